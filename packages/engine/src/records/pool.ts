import { AppError } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import { assertInScope } from '../access/enforce';
import type { ObjectModel } from '../model/compile';
import type { WriteContext } from './behaviours';
import { changeLog } from './change-log';
import { lockRow, recordWrite, setWritten, written } from './pipeline';
import { type RecordData, rowToRecord } from './row';
import type { Tx } from './tx';

// The public pool (公海): records of an object with `publicPool` whose owner is null. Whoever may
// read the object sees them (access.ts adds them to every read scope) and may claim one; an owner
// returns a record; records left without follow-up go back by themselves (recyclePool). Each move
// is an owner change like a transfer: a new version, an audit entry and a `record.transferred`
// event whose payload says why (`claim`, `release`, `recycle`).

function poolOf(om: ObjectModel) {
  const pool = om.def.publicPool;
  if (!pool) throw new AppError('POOL_NOT_ENABLED', { object: om.name });
  return pool;
}

async function moveOwner(w: WriteContext, to: string | null, reason: 'claim' | 'release') {
  const { tx, om, before } = w;
  await tx.behaviours.run('beforeWrite', w);
  const id = before?.id as string;
  const version = (before?.version as number) + 1;
  const from = (before?.owner_id as string | null) ?? null;
  const set = { owner_id: to, version, updated_at: tx.now.toISOString(), updated_by: tx.ctx.actor ?? null };
  const payload = { object: om.name, version, from, to, reason };
  const row = await changeLog.write({
    tx,
    om,
    kind: 'update',
    id,
    set,
    version,
    action: 'transfer',
    changes: { owner_id: [from, to] },
    event: 'record.transferred',
    payload,
  });
  await written(w, row);
  return rowToRecord(om, row);
}

/**
 * The caller takes a record from the pool. A record they may not read is not found; one that has
 * an owner is RECORD_NOT_IN_POOL; with a claim limit, a member who already owns that many records
 * of the object is refused (the `publicPool.claimLimit` behaviour).
 */
export async function claimOne(tx: Tx, { om, id }: { om: ObjectModel; id: string }): Promise<RecordData> {
  poolOf(om);
  const actor = tx.ctx.actor;
  if (!actor) throw new AppError('FORBIDDEN', { object: om.name, id, action: 'claim', reason: 'a claim is made by a member' });
  const before = await lockRow(tx, om, id);
  const oa = tx.ctx.access?.object(om);
  if (oa) await assertInScope(tx.trx, tx.schema, oa, id, 'read');
  if (before.deleted_at) throw new AppError('RECORD_DELETED', { object: om.name, id });
  if (before.owner_id !== null) throw new AppError('RECORD_NOT_IN_POOL', { object: om.name, id });
  return moveOwner(recordWrite(tx, om, 'claim', before), actor, 'claim');
}

/**
 * Returns a record to the pool (退回公海), and it loses its owner. Giving a record away is the
 * owner's right (with their update scope) or a transfer: someone who may only edit it (an edit
 * share, an update scope wider than their transfer scope) may not, or they could release it and
 * claim it for themselves.
 */
export async function releaseOne(tx: Tx, { om, id }: { om: ObjectModel; id: string }): Promise<RecordData> {
  poolOf(om);
  const before = await lockRow(tx, om, id);
  const oa = tx.ctx.access?.object(om);
  if (oa) {
    const owner = before.owner_id !== null && before.owner_id === tx.ctx.actor;
    await assertInScope(tx.trx, tx.schema, oa, id, owner ? 'update' : 'transfer');
  }
  if (before.deleted_at) throw new AppError('RECORD_DELETED', { object: om.name, id });
  if (before.owner_id === null) throw new AppError('RECORD_IN_POOL', { object: om.name, id });
  return moveOwner(recordWrite(tx, om, 'release', before), null, 'release');
}

/**
 * Sends back to the pool every owned record of an object with `recycleAfterDays` that was neither
 * followed up (its `activityField`) nor changed (claiming is a change) in that many days, as one
 * set change through the change-log writer; rows a user is writing right now are skipped, not
 * waited for, and picked up by the next sweep. The sweep is the system's: no actor. Returns the ids moved.
 */
export async function recyclePool(tx: Tx, { om }: { om: ObjectModel }): Promise<string[]> {
  const days = om.def.publicPool?.recycleAfterDays;
  if (days === undefined) return [];
  const activity = om.fields.find((f) => f.field.id === om.def.publicPool?.activityField);
  const cutoff = new Date(tx.now.getTime() - days * 86_400_000).toISOString();
  const last: Expression<unknown> = activity ? sql`greatest(${sql.ref(`r.${activity.column}`)}::timestamptz, r.updated_at)` : sql`r.updated_at`;
  const where = [sql<SqlBool>`r.deleted_at is null`, sql<SqlBool>`r.owner_id is not null`, sql<SqlBool>`${last} < ${cutoff}::timestamptz`];
  const w: WriteContext = { tx, om, action: 'recycle', values: {}, record: {} };
  await tx.behaviours.run('beforeWrite', w);
  const ids = await changeLog.writeSet({
    tx,
    om,
    where,
    locked: 'skip',
    set: { owner_id: null },
    actor: null,
    requestId: null,
    action: 'transfer',
    event: 'record.transferred',
    payload: { from: { before: 'owner_id' }, to: null, reason: 'recycle' },
  });
  if (ids.length) await setWritten(w, ids);
  return ids;
}
