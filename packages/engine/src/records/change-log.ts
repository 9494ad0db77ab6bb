import { AppError } from '@tangram/errors';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { runShaped } from '../db/shaped-query';
import type { AuditAction, Changes } from '../audit/audit';
import type { ObjectModel } from '../model/compile';
import type { EventName } from '../outbox/outbox';
import { NeedsTransaction, SingleStatementMissed, type Tx } from './tx';

// The one change-log writer. Every change to a record (create, update, delete, restore, purge,
// transfer, claim, release, recycle, and everything built of them: revert, import, bulk) is
// written here, together with exactly one audit row and one outbox event per record changed,
// in the same statement — and, for each consumer subscribed to the object's events, a pending
// row (outbox.ts `claimPending`). No other file inserts into `_audit` or `_outbox` (a test checks it).

/** One record changed: its row written (inserted, updated by id, or deleted for good), its audit entry and its event. */
export interface RecordChange {
  tx: Tx;
  om: ObjectModel;
  /** `delete` removes the row for good (purge): the audit entry and the event are what remain. */
  kind: 'insert' | 'update' | 'delete';
  id: string;
  /** Columns written (insert, update). */
  set?: Record<string, unknown>;
  /** The record's version after the change (for a purge, one past its last). */
  version: number;
  action: AuditAction;
  /** Field-level changes by column; `{}` when the change is the action itself (delete, restore, purge). */
  changes: Changes;
  event: EventName;
  payload: Record<string, unknown>;
}

/** What made a write besides its actor: an after-commit automation, or a record action (a button). */
function viaOf(tx: Tx): { automation: string; depth: number } | { action: string; depth: number } | { workflow: string; depth: number } | null {
  if (tx.ctx.automation) return { automation: tx.ctx.automation.automation, depth: tx.ctx.automation.depth };
  if (tx.ctx.recordAction) return { action: tx.ctx.recordAction, depth: 0 };
  if (tx.ctx.workflow) return { workflow: tx.ctx.workflow.instance, depth: 0 };
  return null;
}

/**
 * Writes a record row together with its audit row and outbox event as one statement: one round
 * trip instead of three. The statement is compiled once per object model and set of columns
 * written (`runShaped`), since building it costs more than running it. Returns the row as written.
 */
async function write(c: RecordChange): Promise<Record<string, unknown>> {
  const { tx, om, kind, id } = c;
  // A single-statement write (tx.ts): only if nothing asked for the transaction on the way here;
  // an update only if the row is still at the version read (the statement then writes nothing).
  const single = tx.single;
  if (single?.tripped) throw new NeedsTransaction();
  const db = single?.db ?? tx.trx;
  const guard = single && kind === 'update';
  const cols = kind === 'delete' ? [] : Object.keys(c.set ?? {});
  const via = viaOf(tx);
  const payload = via ? { ...c.payload, via } : c.payload;
  const log: unknown[] = [
    om.id,
    id,
    c.version,
    c.action,
    JSON.stringify(c.changes),
    tx.ctx.actor ?? null,
    tx.ctx.requestId ?? null,
    c.event,
    JSON.stringify(payload),
    via && JSON.stringify(via),
  ];
  const consumers = tx.behaviours.subscribers(tx.model, om.id);
  if (consumers.length) log.push(consumers);
  // The guarded update's last value: the version it read (the one before this change).
  const values = [...cols.map((k) => c.set?.[k]), ...(kind === 'insert' ? [] : [id]), ...log, ...(guard ? [c.version - 1] : [])];
  const rows = await runShaped<Record<string, unknown>>(
    db,
    om,
    `${kind}:${tx.schema}:${cols.join(',')}${consumers.length ? ':pending' : ''}${guard ? ':guarded' : ''}`,
    (v) => {
      const set = Object.fromEntries(cols.map((k, i) => [k, v(i)]));
      const base = db.withSchema(tx.schema);
      const at = kind === 'insert' ? cols.length : cols.length + 1;
      const p = (k: number) => v(at + k);
      const change =
        kind === 'insert'
          ? base.insertInto(om.table).values(set).returning(om.selectColumns)
          : kind === 'update'
            ? base
                .updateTable(om.table)
                .set(set)
                .where('id', '=', v(cols.length))
                .$if(!!guard, (q) => q.where('version', '=', p(consumers.length ? 11 : 10)).where('deleted_at', 'is', null))
                .returning(om.selectColumns)
            : base.deleteFrom(om.table).where('id', '=', v(0)).returning(om.selectColumns);
      // The audit row and the event are written for the row the first part wrote (none: none).
      return sql`with r as (${change}),
        a as (insert into ${sql.id(tx.schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id, via)
          select ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(9)} from r),
        o as (insert into ${sql.id(tx.schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id)
          select ${p(7)}, ${p(0)}, ${p(1)}, ${p(8)}, ${p(5)}, ${p(6)} from r returning id)${
            consumers.length
              ? sql`,
        q as (insert into ${sql.id(tx.schema, '_outbox_pending')} (consumer, event_id) select c, o.id from o, unnest(${p(10)}::text[]) as c)`
              : sql``
          }
        select * from r`.compile(db);
    },
    values,
  );
  const written = rows[0];
  if (single && written) single.written = true;
  if (!written) {
    if (guard) throw new SingleStatementMissed();
    throw new AppError('RECORD_NOT_FOUND', { object: om.name, id });
  }
  return written;
}

/** In a set change's payload: a column's value before or after the change, per record. */
export type SetValue = { before: string } | { after: string } | string | number | boolean | null;

/**
 * Many records of one object changed alike (an owner transfer, a pool recycle), set-based: the
 * same columns set to the same values on every row the conditions pick, each row's version
 * bumped, one audit row (the columns before → after) and one event per row changed.
 */
export interface RecordChangeSet {
  tx: Tx;
  om: ObjectModel;
  /** Conditions on the rows (aliased `r`). */
  where: Expression<SqlBool>[];
  /** `skip`: rows another transaction is writing are left for later instead of waited for. */
  locked?: 'wait' | 'skip';
  /** Columns set, to the same value on every row. */
  set: Record<string, unknown>;
  /** Who made the change, when not the transaction's actor (a sweep by the system is nobody's). */
  actor?: string | null;
  requestId?: string | null;
  action: AuditAction;
  event: EventName;
  /** The event's payload besides `object` and `version`. */
  payload: Record<string, SetValue>;
}

function payloadValue(v: SetValue): RawBuilder<unknown> {
  if (v !== null && typeof v === 'object') return 'before' in v ? sql.ref(`old_${v.before}`) : sql.ref(`new_${v.after}`);
  return typeof v === 'string' ? sql`${v}::text` : sql`${v === null ? null : JSON.stringify(v)}::jsonb`;
}

/** Writes a set change (see RecordChangeSet); returns the ids of the records changed. */
async function writeSet(c: RecordChangeSet): Promise<string[]> {
  const { tx, om } = c;
  const table = sql.id(tx.schema, om.table);
  const cols = Object.keys(c.set);
  const at = tx.now.toISOString();
  const actor = c.actor !== undefined ? c.actor : (tx.ctx.actor ?? null);
  const requestId = c.requestId !== undefined ? c.requestId : (tx.ctx.requestId ?? null);
  const made = viaOf(tx);
  const via = made ? JSON.stringify(made) : null;
  const where = c.where.length ? sql.join(c.where, sql` and `) : sql`true`;
  const consumers = tx.behaviours.subscribers(tx.model, om.id);
  const sets = sql.join([
    ...cols.map((k) => sql`${sql.id(k)} = ${c.set[k]}`),
    sql`version = u.version + 1`,
    sql`updated_at = ${at}`,
    sql`updated_by = ${actor}`,
  ]);
  const kept = sql.join(cols.flatMap((k) => [sql`${sql.ref(`picked.${k}`)} as ${sql.id(`old_${k}`)}`, sql`${sql.ref(`u.${k}`)} as ${sql.id(`new_${k}`)}`]));
  const changes = sql.join(cols.map((k) => sql`${k}::text, jsonb_build_array(${sql.ref(`old_${k}`)}, ${sql.ref(`new_${k}`)})`));
  const payload = sql.join(Object.entries(c.payload).map(([k, v]) => sql`${k}::text, ${payloadValue(v)}`));
  const result = await sql<{ id: string }>`
    with picked as (
      select r.id, ${sql.join(cols.map((k) => sql.ref(`r.${k}`)))} from ${table} r where ${where} for update${c.locked === 'skip' ? sql` skip locked` : sql``}
    ), moved as (
      update ${table} u set ${sets} from picked where u.id = picked.id
      returning u.id, u.version, ${kept}
    ), audit as (
      insert into ${sql.id(tx.schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id, at, via)
      select ${om.id}, id, version, ${c.action}, jsonb_build_object(${changes}), ${actor}::uuid, ${requestId}, ${at}::timestamptz, ${via}::jsonb from moved
    ), events as (
      insert into ${sql.id(tx.schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id, at)
      select ${c.event}, ${om.id}, id,
        jsonb_build_object('object', ${om.name}::text, 'version', version${Object.keys(c.payload).length ? sql`, ${payload}` : sql``}${via ? sql`, 'via', ${via}::jsonb` : sql``}),
        ${actor}::uuid, ${requestId}, ${at}::timestamptz from moved
      returning id
    )${
      consumers.length
        ? sql`, pending as (
      insert into ${sql.id(tx.schema, '_outbox_pending')} (consumer, event_id) select c, events.id from events, unnest(${consumers as string[]}::text[]) as c
    )`
        : sql``
    }
    select id from moved`.execute(tx.trx);
  return result.rows.map((r) => r.id);
}

/**
 * The writer, as an object so that tests can watch every call (`vi.spyOn(changeLog, 'write')`):
 * the write-paths test counts what came through it against the audit rows and events written.
 */
export const changeLog = { write, writeSet };
