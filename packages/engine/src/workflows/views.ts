import type { LocaleText } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';
import type { ObjectAccess } from '../access/access';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import { systemTables } from '../db/tables';
import { isUuid } from './instances';
import type { ObjectModel } from '../model/compile';
import type { Graph, Process, UserTaskNode } from './process';
import { type Instance, type InstanceStatus, step } from './step';

// What the approval API answers (the shapes of the HTTP contract): an instance as one caller may
// see it — their possible actions computed for them, the record's title only where they may read
// it — and the people in it as `{ id, name }`.

export interface ApprovalUser {
  id: string;
  name: string;
}

export interface ApprovalCan {
  approve: boolean;
  reject: boolean;
  return: boolean;
  returnTo: { node: string; name: string }[];
  addSigner: boolean;
  transfer: boolean;
  withdraw: boolean;
  resubmit: boolean;
  remind: boolean;
  cc: boolean;
  comment: boolean;
  /** The caller's open task (an approval, or the resubmission after a rejection returned it to them). */
  myTask?: string;
  /** The record fields the current step lets the caller edit (sent as `values` with approve). */
  editable: string[];
  /** Approving opens a step whose approvers the caller chooses: send them as `next` with approve. */
  chooseNext?: { node: string; name: string };
}

export interface InstanceSummary {
  id: string;
  workflow: string;
  label: LocaleText;
  object: string;
  recordId: string;
  recordTitle: string | null;
  submitter: ApprovalUser;
  status: InstanceStatus;
  createdAt: string;
  updatedAt: string;
  /** Nodes with an open task or a timer. */
  current: { node: string; name: string }[];
  can: ApprovalCan;
}

export interface ApprovalTaskView {
  id: string;
  node: string;
  nodeName: string;
  assignee: ApprovalUser;
  status: string;
  kind: string;
  order: number;
  createdAt: string;
  decidedAt: string | null;
}

export interface ApprovalHistoryView {
  at: string;
  by: ApprovalUser | null;
  what: string;
  node?: string;
  nodeName?: string;
  task?: string;
  to?: string;
  comment?: string;
  /** Files (`_file` ids) attached to the entry. */
  files?: string[];
}

export interface ApprovalInstance extends InstanceSummary {
  /** The diagram of the version the instance runs. */
  bpmn: string;
  tasks: ApprovalTaskView[];
  history: ApprovalHistoryView[];
}

export interface InboxItem {
  instance: string;
  task?: string;
  workflow: string;
  label: LocaleText;
  object: string;
  recordId: string;
  recordTitle: string | null;
  node?: string;
  nodeName?: string;
  status: string;
  submitter: ApprovalUser;
  at: string;
}

/** The names of members (a member who left keeps their name; an unknown id shows as itself). */
export async function userNames(db: Db, schema: string, ids: Iterable<string | null | undefined>): Promise<(id: string) => ApprovalUser> {
  return (await titlesAndNames(db, schema, undefined, ids)).user;
}

const namesOf = (rows: { id: string; name: string | null }[]) => {
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return (id: string): ApprovalUser => ({ id, name: names.get(id) ?? id });
};

/** The title and readability of one record (as readTitles) and the names of members (as userNames), in one statement. */
export async function titlesAndNames(
  db: Db,
  schema: string,
  record: TitledRecord | undefined,
  ids: Iterable<string | null | undefined>,
): Promise<TitlesAndNames> {
  const { rows } = await titlesAndNamesQuery(schema, record, ids).execute(db);
  return titlesAndNamesOf(rows);
}

export type TitledRecord = { om: ObjectModel; oa: ObjectAccess | undefined; id: string };
export type TitlesAndNames = { title: { readable: boolean; title: string | null } | undefined; user: (id: string) => ApprovalUser };
export type TitleOrNameRow = { id: string; readable: boolean | null; title: string | null; name: string | null; is_user: boolean };

/**
 * The statement of `titlesAndNames`, to run on its own or as the last part of another (a command's
 * persist statement: the answer's titles and names are then read with what it writes).
 */
export function titlesAndNamesQuery(schema: string, record: TitledRecord | undefined, ids: Iterable<string | null | undefined>): RawBuilder<TitleOrNameRow> {
  const wanted = [...new Set([...ids].filter((x): x is string => typeof x === 'string'))].filter(isUuid);
  const names = sql`select u.id::text as id, null::boolean as readable, null::text as title, u.name::text as name, true as is_user from ${sql.id(schema, '_user')} u where u.id = ${anyUuid(wanted)}`;
  return record ? sql<TitleOrNameRow>`${titleQuery(schema, record.om, record.oa, [record.id])} union all ${names}` : sql<TitleOrNameRow>`${names}`;
}

export function titlesAndNamesOf(rows: readonly TitleOrNameRow[]): TitlesAndNames {
  const found = rows.find((r) => !r.is_user);
  return {
    title: found ? { readable: found.readable === true, title: found.title } : undefined,
    user: namesOf(rows.filter((r) => r.is_user)),
  };
}

/** Whether the caller reads each record in their scope, and its title as stored. */
function titleQuery(schema: string, om: ObjectModel, oa: ObjectAccess | undefined, ids: string[]) {
  const titleName = titleFieldOf(om);
  const column = titleName ? om.byName.get(titleName)?.column : undefined;
  const readable = oa ? (oa.scope('read').none ? sql<boolean>`false` : (oa.scope('read').predicate ?? sql<boolean>`true`)) : sql<boolean>`true`;
  const title = column ? sql`${sql.ref(`r.${column}`)}::text` : sql`null::text`;
  return sql`select r.id::text as id, (r.deleted_at is null and ${readable}) as readable, ${title} as title, null::text as name, false as is_user
    from ${sql.table(`${schema}.${om.table}`)} r where r.id = ${anyUuid([...new Set(ids)])}`;
}

export const nodeName = (p: Process, id: string): string => p.nodes.find((n) => n.id === id)?.name ?? id;

/** The name of the object's title field, when it has one. */
export const titleFieldOf = (om: ObjectModel): string | undefined => om.fields.find((f) => f.field.id === om.def.titleField)?.name;

/** Fields the steps where `user` has (or had) a task hide from them. */
export function hiddenByStep(p: Process, nodes: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const id of nodes) {
    const n = p.nodes.find((x) => x.id === id);
    if (n?.kind !== 'userTask') continue;
    for (const [field, access] of Object.entries(n.fields ?? {})) if (access === 'hidden') out.add(field);
  }
  return out;
}

/** Whether a field's value may leave the server for this caller: their role reads it and no step of theirs hides it. */
export const fieldShown = (oa: ObjectAccess | undefined, field: string, stepHidden: ReadonlySet<string>): boolean =>
  !stepHidden.has(field) && (!oa || oa.readable(field));

/**
 * For records of one object: whether the caller reads each in their scope, and its title as
 * stored (shown or not is decided by the caller of this, field by field).
 */
export async function readTitles(
  db: Db,
  schema: string,
  om: ObjectModel,
  oa: ObjectAccess | undefined,
  ids: string[],
): Promise<Map<string, { readable: boolean; title: string | null }>> {
  const out = new Map<string, { readable: boolean; title: string | null }>();
  if (!ids.length) return out;
  const { rows } = await sql<{ id: string; readable: boolean; title: string | null }>`${titleQuery(schema, om, oa, ids)}`.execute(db);
  for (const r of rows) out.set(r.id, { readable: r.readable === true, title: r.title });
  return out;
}

/** Whether the approval step `node` lets its approver edit `field`. */
export const stepEdits = (p: Process, node: string): string[] => {
  const n = p.nodes.find((x) => x.id === node);
  return n?.kind === 'userTask' ? Object.entries((n as UserTaskNode).fields ?? {}).flatMap(([f, a]) => (a === 'edit' ? [f] : [])) : [];
};

/** An environment for trying a command without effects: only the command's own checks can refuse. */
const dryEnv = (now: Date) => ({ now, approvers: () => ['00000000-0000-0000-0000-000000000000'], admins: [], holds: () => false });

/**
 * What `me` may do on the instance now, as the interpreter would answer (退回's targets are
 * tried on a copy: the interpreter's own checks decide).
 */
export function canFor(g: Graph, m: Instance, me: string | null, om: ObjectModel, oa: ObjectAccess | undefined, now: Date): ApprovalCan {
  const none: ApprovalCan = {
    approve: false,
    reject: false,
    return: false,
    returnTo: [],
    addSigner: false,
    transfer: false,
    withdraw: false,
    resubmit: false,
    remind: false,
    cc: false,
    comment: false,
    editable: [],
  };
  if (!me) return none;
  const running = m.status === 'running';
  const submitter = m.submitter === me;
  const participant = submitter || m.tasks.some((t) => t.assignee === me);
  const mine = running ? m.tasks.find((t) => t.assignee === me && t.status === 'open' && t.kind === 'approve') : undefined;
  const resubmit = m.status === 'returned' ? m.tasks.find((t) => t.assignee === me && t.status === 'open' && t.kind === 'resubmit') : undefined;
  const manualApproval = m.tasks.some((t) => t.kind === 'approve' && t.status === 'approved' && !t.auto);
  const returnTo: { node: string; name: string }[] = [];
  if (mine) {
    const passed = [...new Set(m.history.filter((h) => h.what === 'passed' && h.node).map((h) => h.node as string))];
    for (const to of passed) {
      const n = g.node.get(to);
      if (n?.kind !== 'userTask') continue;
      try {
        step(g, m, { kind: 'return', task: mine.id, by: me, to }, dryEnv(now));
        returnTo.push({ node: to, name: n.name ?? to });
      } catch {
        // Not a step this task can go back to (e.g. inside one branch of a parallel split).
      }
    }
  }
  return {
    approve: !!mine,
    reject: !!mine,
    return: returnTo.length > 0,
    returnTo,
    addSigner: !!mine,
    transfer: !!mine,
    withdraw: submitter && (running || m.status === 'returned') && (!manualApproval || g.process.withdrawAfterApproval === true),
    resubmit: !!resubmit,
    remind: submitter && running && m.tasks.some((t) => t.status === 'open'),
    cc: participant,
    comment: participant,
    ...(mine || resubmit ? { myTask: (mine ?? resubmit)?.id } : {}),
    editable: mine ? stepEdits(g.process, mine.node).filter((f) => om.byName.has(f) && (!oa || oa.readable(f))) : [],
  };
}
