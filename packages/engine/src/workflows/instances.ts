import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/database';
import type { TenantSystemTables } from '../db/tables';
import type { Process } from './process';
import type { InstanceView } from './runtime';
import type { Instance, InstanceStatus, Task, Timer, Token } from './step';

// An instance read back from its rows for the approval API: the interpreter's Instance plus
// what the API shows besides (when each task opened and was decided, the diagram).

export interface StoredInstance {
  id: string;
  workflow: string;
  /** The BPMN process id. */
  process: string;
  statusField: string | null;
  statusValues: Record<string, string> | null;
  object: string;
  recordId: string;
  definition: Process;
  bpmn: string | null;
  createdAt: string;
  updatedAt: string;
  instance: Instance;
  taskTimes: Map<string, { createdAt: string; decidedAt: string | null }>;
}

export const isUuid = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * The instance `id` as stored, or undefined when there is none (`history: false`: without its
 * history, for checks that do not read it; `lock`: its row locked for the caller's transaction).
 */
export async function readInstance(db: Db, schema: string, id: string, opts: { history?: boolean; lock?: boolean } = {}): Promise<StoredInstance | undefined> {
  if (!isUuid(id)) return undefined;
  const table = (name: string) => sql.id(schema, name);
  // One statement: the instance row (locked, with `lock`) with its tasks (in the interpreter's
  // order: ids are `t<seq>`, t9 before t10, whatever the clock said) and its history as JSON.
  // A statement's subqueries read the snapshot it started with: one that waited for the lock
  // would see the tasks as they were before the command that held it (one approval taken twice).
  // Every command that changes tasks or history updates the instance row too (runtime `persist`),
  // so `_fresh` — the locked row is the version the snapshot sees — says the subqueries are
  // current; when it is not (the lock was waited for), the read is made again, under the lock.
  const read = (lock: boolean) =>
    sql<
      Selectable<TenantSystemTables['_wf_instance']> & {
        _tasks: Selectable<TenantSystemTables['_wf_task']>[] | null;
        _history: Selectable<TenantSystemTables['_wf_history']>[] | null;
        _fresh: boolean;
      }
    >`select i.*,
      (select json_agg(t order by length(t.id), t.id) from ${table('_wf_task')} t where t.instance_id = i.id) as _tasks,
      ${opts.history === false ? sql`null` : sql`(select json_agg(h order by h.n) from ${table('_wf_history')} h where h.instance_id = i.id)`} as _history,
      ${lock ? sql`i.xmin::text = (select s.xmin::text from ${table('_wf_instance')} s where s.id = i.id)` : sql`true`} as _fresh
    from ${table('_wf_instance')} i where i.id = ${id}${lock ? sql` for update of i` : sql``}`.execute(db);
  let { rows } = await read(!!opts.lock);
  if (rows[0] && !rows[0]._fresh) ({ rows } = await read(false));
  const row = rows[0];
  if (!row) return undefined;
  const tasks = row._tasks ?? [];
  const history = row._history ?? [];
  const instance: Instance = {
    status: row.status as InstanceStatus,
    submitter: row.submitter,
    seq: row.seq,
    tokens: row.tokens as Token[],
    timers: row.timers as Timer[],
    tasks: tasks.map((x) => ({
      id: x.id,
      node: x.node,
      ...(x.token ? { token: x.token } : {}),
      assignee: x.assignee,
      status: x.status as Task['status'],
      kind: x.kind as Task['kind'],
      order: x.ord,
      ...(x.extra ? { extra: x.extra as Task['extra'] } : {}),
      ...(x.reopens ? { reopens: x.reopens } : {}),
      ...(x.auto ? { auto: x.auto as Task['auto'] } : {}),
    })),
    history: history.map((h) => ({
      at: new Date(h.at).toISOString(),
      by: h.by,
      what: h.what,
      ...(h.node ? { node: h.node } : {}),
      ...(h.task ? { task: h.task } : {}),
      ...(h.to ? { to: h.to } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
      ...(Array.isArray(h.files) && h.files.length ? { files: h.files as string[] } : {}),
    })),
  };
  return {
    id,
    workflow: row.workflow,
    process: row.process,
    statusField: row.status_field,
    statusValues: row.status_values as Record<string, string> | null,
    object: row.object_id,
    recordId: row.record_id,
    definition: row.definition as Process,
    bpmn: row.bpmn,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    instance,
    taskTimes: new Map(
      tasks.map((x) => [x.id, { createdAt: new Date(x.created_at).toISOString(), decidedAt: x.decided_at ? new Date(x.decided_at).toISOString() : null }]),
    ),
  };
}

/** The runtime's answer to a command as a stored instance (what the API shows of it; tokens are not part of it). */
export function fromView(v: InstanceView): StoredInstance {
  return {
    id: v.id,
    workflow: v.workflow,
    process: v.process,
    statusField: v.statusField,
    statusValues: v.statusValues,
    object: v.object,
    recordId: v.recordId,
    definition: v.definition,
    bpmn: v.bpmn,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    instance: {
      status: v.status,
      submitter: v.submitter,
      seq: 0,
      tokens: [],
      timers: v.timers,
      tasks: v.tasks.map(({ createdAt: _c, decidedAt: _d, ...t }) => t),
      history: v.history,
    },
    taskTimes: new Map(v.tasks.map((t) => [t.id, { createdAt: t.createdAt, decidedAt: t.decidedAt }])),
  };
}
