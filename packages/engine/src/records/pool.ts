import { AppError } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import { assertInScope } from '../access/enforce';
import type { Db } from '../db/database';
import type { ObjectModel } from '../model/compile';
import { writeLogged } from './change-log';
import { lockRow } from './pipeline';
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

async function moveOwner(tx: Tx, om: ObjectModel, id: string, before: Record<string, unknown>, to: string | null, reason: 'claim' | 'release') {
  const version = (before.version as number) + 1;
  const from = (before.owner_id as string | null) ?? null;
  const set = { owner_id: to, version, updated_at: tx.now.toISOString(), updated_by: tx.ctx.actor ?? null };
  const row = await writeLogged(tx, om, 'update', set, id, version, 'transfer', { owner_id: [from, to] }, 'record.transferred', {
    object: om.name,
    version,
    from,
    to,
    reason,
  });
  return rowToRecord(om, row);
}

/**
 * The caller takes a record from the pool. A record they may not read is not found; one that has
 * an owner is RECORD_NOT_IN_POOL; with a claim limit, a member who already owns that many records
 * of the object is refused (their claims are serialised, so two at once cannot both pass it).
 */
export async function claimOne(tx: Tx, om: ObjectModel, id: string): Promise<RecordData> {
  const pool = poolOf(om);
  const actor = tx.ctx.actor;
  if (!actor) throw new AppError('FORBIDDEN', { object: om.name, id, action: 'claim', reason: 'a claim is made by a member' });
  const before = await lockRow(tx, om, id);
  const oa = tx.ctx.access?.object(om);
  if (oa) await assertInScope(tx.trx, tx.schema, oa, id, 'read');
  if (before.deleted_at) throw new AppError('RECORD_DELETED', { object: om.name, id });
  if (before.owner_id !== null) throw new AppError('RECORD_NOT_IN_POOL', { object: om.name, id });
  if (pool.claimLimit !== undefined) {
    await sql`select pg_advisory_xact_lock(hashtext(${`${tx.schema}.${om.table}.pool`}), hashtext(${actor}))`.execute(tx.trx);
    const held = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(`${tx.schema}.${om.table}`)} where owner_id = ${actor} and deleted_at is null`.execute(tx.trx);
    const n = Number(held.rows[0]?.n ?? 0);
    if (n >= pool.claimLimit) throw new AppError('POOL_CLAIM_LIMIT', { object: om.name, id, limit: pool.claimLimit, held: n });
  }
  return moveOwner(tx, om, id, before, actor, 'claim');
}

/**
 * Returns a record to the pool (退回公海), and it loses its owner. Giving a record away is the
 * owner's right (with their update scope) or a transfer: someone who may only edit it (an edit
 * share, an update scope wider than their transfer scope) may not, or they could release it and
 * claim it for themselves.
 */
export async function releaseOne(tx: Tx, om: ObjectModel, id: string): Promise<RecordData> {
  poolOf(om);
  const before = await lockRow(tx, om, id);
  const oa = tx.ctx.access?.object(om);
  if (oa) {
    const owner = before.owner_id !== null && before.owner_id === tx.ctx.actor;
    await assertInScope(tx.trx, tx.schema, oa, id, owner ? 'update' : 'transfer');
  }
  if (before.deleted_at) throw new AppError('RECORD_DELETED', { object: om.name, id });
  if (before.owner_id === null) throw new AppError('RECORD_IN_POOL', { object: om.name, id });
  return moveOwner(tx, om, id, before, null, 'release');
}

/**
 * Sends back to the pool every owned record of an object with `recycleAfterDays` that was neither
 * followed up (its `activityField`) nor changed (claiming is a change) in that many days. One
 * set-based statement per object; rows a user is writing right now are skipped, not waited for,
 * and picked up by the next sweep.
 */
export async function recyclePool(db: Db, schema: string, om: ObjectModel, now: Date): Promise<number> {
  const days = om.def.publicPool?.recycleAfterDays;
  if (days === undefined) return 0;
  const activity = om.fields.find((f) => f.field.id === om.def.publicPool?.activityField);
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const last: Expression<unknown> = activity ? sql`greatest(${sql.ref(`r.${activity.column}`)}::timestamptz, r.updated_at)` : sql`r.updated_at`;
  const idle: Expression<SqlBool> = sql<SqlBool>`${last} < ${cutoff}::timestamptz`;
  const table = sql.id(schema, om.table);
  const at = now.toISOString();
  const result = await sql<{ n: number }>`
    with picked as (
      select r.id, r.owner_id from ${table} r where r.deleted_at is null and r.owner_id is not null and ${idle} for update skip locked
    ), moved as (
      update ${table} u set owner_id = null, version = u.version + 1, updated_at = ${at}, updated_by = null
      from picked where u.id = picked.id
      returning u.id, u.version, picked.owner_id as old_owner
    ), audit as (
      insert into ${sql.id(schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id, at)
      select ${om.id}, id, version, 'transfer', jsonb_build_object('owner_id', jsonb_build_array(old_owner, null)), null, null, ${at}::timestamptz from moved
    ), events as (
      insert into ${sql.id(schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id, at)
      select 'record.transferred', ${om.id}, id,
        jsonb_build_object('object', ${om.name}::text, 'version', version, 'from', old_owner, 'to', null, 'reason', 'recycle'), null, null, ${at}::timestamptz from moved
    )
    select count(*)::int as n from moved`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}
