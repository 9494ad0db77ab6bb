import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import type { UserAccess } from '../access/access';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import { type Model, objectIn } from '../model/compile';
import { type SortKey, decodeCursor, encodeCursor } from '../query/cursor';
import type { Process } from './process';
import { fieldShown, hiddenByStep, type InboxItem, nodeName, readTitles, titleFieldOf, userNames } from './views';

// The approval inbox of one member: 待办 (open tasks), 已办 (tasks they decided), 我发起的
// (what they submitted) and 抄送我 (copies), newest first, in keyset pages whose cursor is sealed
// for the member (it shows nothing and works for nobody else), and the two counts the shell shows.

export type InboxBox = 'todo' | 'done' | 'mine' | 'cc';
export const inboxBoxes: readonly InboxBox[] = ['todo', 'done', 'mine', 'cc'];

interface Row {
  instance: string;
  task: string | null;
  node: string | null;
  status: string;
  at: string;
  workflow: string;
  object: string;
  recordId: string;
  submitter: string;
  definition: Process;
  unread?: boolean;
}

/** The sort of each box (the cursor's signature: a cursor of one box is refused by another). */
const sortOf = (box: InboxBox): readonly SortKey[] =>
  Object.freeze(['at', 'instance', 'task'].map((c) => Object.freeze({ column: `${box}.${c}`, direction: 'desc' as const })));
const keys: Record<InboxBox, readonly SortKey[]> = { todo: sortOf('todo'), done: sortOf('done'), mine: sortOf('mine'), cc: sortOf('cc') };

export interface InboxDeps {
  db: Db;
  schema: string;
  cursorKey: Buffer;
  model(): Promise<Model>;
  label(workflow: string): Promise<InboxItem['label']>;
}

const iso = (v: string | Date) => new Date(v).toISOString();

async function rows(deps: InboxDeps, box: InboxBox, me: string, limit: number, after: [string, string, string] | undefined): Promise<Row[]> {
  const t = systemTables(deps.db, deps.schema);
  if (box === 'todo' || box === 'done') {
    const at = box === 'todo' ? 't.created_at' : 't.decided_at';
    let q = t
      .selectFrom('_wf_task as t')
      .innerJoin('_wf_instance as i', 'i.id', 't.instance_id')
      .select([
        't.instance_id as instance',
        't.id as task',
        't.node as node',
        't.status as status',
        sql<string>`${sql.ref(at)}`.as('at'),
        'i.workflow as workflow',
        'i.object_id as object',
        'i.record_id as recordId',
        'i.submitter as submitter',
        'i.definition as definition',
      ])
      .where('t.assignee', '=', me)
      .where('t.auto', 'is', null);
    q =
      box === 'todo'
        ? q.where('t.status', '=', 'open')
        : q.where('t.status', 'in', ['approved', 'rejected', 'returned', 'transferred']).where('t.kind', '=', 'approve').where('t.decided_at', 'is not', null);
    if (after) q = q.where(sql<boolean>`(${sql.ref(at)}, t.instance_id, t.id) < (${after[0]}::timestamptz, ${after[1]}::uuid, ${after[2]})`);
    const found = await q.orderBy(sql.ref(at), 'desc').orderBy('t.instance_id', 'desc').orderBy('t.id', 'desc').limit(limit).execute();
    return found.map((r) => ({ ...r, at: iso(r.at), definition: r.definition as Process }));
  }
  if (box === 'mine') {
    let q = t
      .selectFrom('_wf_instance as i')
      .select([
        'i.id as instance',
        'i.status as status',
        'i.created_at as at',
        'i.workflow as workflow',
        'i.object_id as object',
        'i.record_id as recordId',
        'i.submitter as submitter',
        'i.definition as definition',
      ])
      .where('i.submitter', '=', me);
    if (after) q = q.where(sql<boolean>`(i.created_at, i.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
    const found = await q.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(limit).execute();
    return found.map((r) => ({ ...r, task: null, node: null, at: iso(r.at), definition: r.definition as Process }));
  }
  let q = t
    .selectFrom('_wf_cc as c')
    .innerJoin('_wf_instance as i', 'i.id', 'c.instance_id')
    .select([
      'i.id as instance',
      'i.status as status',
      'c.created_at as at',
      'c.read_at as readAt',
      'i.workflow as workflow',
      'i.object_id as object',
      'i.record_id as recordId',
      'i.submitter as submitter',
      'i.definition as definition',
    ])
    .where('c.user_id', '=', me);
  if (after) q = q.where(sql<boolean>`(c.created_at, c.instance_id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const found = await q.orderBy('c.created_at', 'desc').orderBy('c.instance_id', 'desc').limit(limit).execute();
  return found.map(({ readAt, ...r }) => ({ ...r, task: null, node: null, at: iso(r.at), definition: r.definition as Process, unread: readAt === null }));
}

/** One page of a member's box; `nextCursor` when there may be more. */
export async function inboxPage(
  deps: InboxDeps,
  me: string,
  access: UserAccess | undefined,
  box: InboxBox,
  opts: { limit?: number; cursor?: string } = {},
): Promise<{ items: (InboxItem & { unread?: boolean })[]; nextCursor?: string }> {
  if (!inboxBoxes.includes(box))
    throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path: '/querystring/box', message: `one of ${inboxBoxes.join(', ')}` }]);
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20), 1), 100);
  const ctx = { key: deps.cursorKey, viewer: me };
  let after: [string, string, string] | undefined;
  if (opts.cursor !== undefined) {
    const v = decodeCursor(keys[box], opts.cursor, ctx);
    if (v.length !== 3 || !v.every((x) => typeof x === 'string')) throw new AppError('CURSOR_INVALID', { reason: 'not a cursor' });
    after = v as [string, string, string];
  }
  const found = await rows(deps, box, me, limit + 1, after);
  const page = found.slice(0, limit);
  const items = await present(deps, access, page);
  const last = page[page.length - 1];
  return {
    items,
    ...(found.length > limit && last ? { nextCursor: encodeCursor(keys[box], [last.at, last.instance, last.task ?? ''], ctx) } : {}),
  };
}

/** Rows as inbox items: names, labels, and each record's title where this member may read it. */
async function present(deps: InboxDeps, access: UserAccess | undefined, page: Row[]): Promise<(InboxItem & { unread?: boolean })[]> {
  const model = await deps.model();
  const user = await userNames(
    deps.db,
    deps.schema,
    page.map((r) => r.submitter),
  );
  const titles = new Map<string, string | null>();
  const byObject = new Map<string, Row[]>();
  for (const r of page) byObject.set(r.object, [...(byObject.get(r.object) ?? []), r]);
  for (const [object, list] of byObject) {
    const om = objectIn(model, object);
    if (!om) continue;
    const oa = access?.object(om);
    const found = await readTitles(
      deps.db,
      deps.schema,
      om,
      oa,
      list.map((r) => r.recordId),
    );
    const titleName = titleFieldOf(om);
    for (const r of list) {
      const hidden = hiddenByStep(r.definition, r.node ? [r.node] : []);
      if (titleName && fieldShown(oa, titleName, hidden)) titles.set(`${r.instance}:${r.task ?? ''}`, found.get(r.recordId)?.title ?? null);
    }
  }
  const out: (InboxItem & { unread?: boolean })[] = [];
  for (const r of page) {
    const om = objectIn(model, r.object);
    out.push({
      instance: r.instance,
      ...(r.task ? { task: r.task } : {}),
      workflow: r.workflow,
      label: await deps.label(r.workflow),
      object: om?.name ?? r.object,
      recordId: r.recordId,
      recordTitle: titles.get(`${r.instance}:${r.task ?? ''}`) ?? null,
      ...(r.node ? { node: r.node, nodeName: nodeName(r.definition, r.node) } : {}),
      status: r.status,
      submitter: user(r.submitter),
      at: r.at,
      ...(r.unread !== undefined ? { unread: r.unread } : {}),
    });
  }
  return out;
}

/** 待办 (open tasks) and unread 抄送 of a member. */
export async function inboxCounts(db: Db, schema: string, me: string): Promise<{ todo: number; cc: number }> {
  const t = systemTables(db, schema);
  const todo = await t
    .selectFrom('_wf_task')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('assignee', '=', me)
    .where('status', '=', 'open')
    .where('auto', 'is', null)
    .executeTakeFirst();
  const cc = await t
    .selectFrom('_wf_cc')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', me)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return { todo: Number(todo?.n ?? 0), cc: Number(cc?.n ?? 0) };
}
