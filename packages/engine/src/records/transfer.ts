import { AppError } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import type { ObjectModel } from '../model/compile';
import { filterPredicate } from '../query/query';
import type { ActionContext } from '../records/context';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxIds = 10_000;
const invalid = (field: string, message: string) => AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field, message }]);

export interface TransferInput {
  ids?: unknown;
  filter?: unknown;
  from?: unknown;
  to?: unknown;
  includeDeleted?: boolean;
}

/**
 * Gives records a new owner: one set-based statement per object, all in one transaction, each
 * moved record getting its version bumped, an audit entry (`owner_id` before → after, action
 * `transfer`) and a `record.transferred` event written by the same statement. With a viewer, only
 * records in both their read and transfer scopes move; ids outside them refuse the whole call.
 */
export async function transferOwner(db: Db, schema: string, objects: ObjectModel[], input: TransferInput, ctx: ActionContext): Promise<Record<string, number>> {
  const to = input.to;
  if (typeof to !== 'string' || !uuid.test(to)) throw invalid('to', 'must be the id of a member');
  const from = input.from;
  if (from !== undefined && (typeof from !== 'string' || !uuid.test(from))) throw invalid('from', 'must be the id of a member');
  let ids: string[] | undefined;
  if (input.ids !== undefined) {
    if (!Array.isArray(input.ids) || input.ids.length > maxIds || input.ids.some((i) => typeof i !== 'string' || !uuid.test(i)))
      throw invalid('ids', `must be a list of at most ${maxIds} record ids`);
    ids = [...new Set((input.ids as string[]).map((i) => i.toLowerCase()))];
  }
  if (ids === undefined && input.filter === undefined && from === undefined)
    throw invalid('ids', 'say which records: ids, a filter, or from (the current owner)');
  const target = await db.withSchema(schema).selectFrom('_user').select(['id', 'active']).where('id', '=', to.toLowerCase()).executeTakeFirst();
  if (!target || target.active === false)
    throw new AppError('RECORD_REFERENCE_INVALID', { problems: [{ code: 'RECORD_REFERENCE_INVALID', field: 'to', message: 'no such active member' }] });
  const newOwner = target.id as string;

  // Everything is checked and compiled before the transaction (inside it, only `trx` is used).
  const plans = objects.map((om) => {
    const where: Expression<SqlBool>[] = [];
    const oa = ctx.access?.object(om);
    if (oa && !oa.grants('transfer')) throw new AppError('FORBIDDEN', { object: om.name, action: 'transfer' });
    if (!input.includeDeleted) where.push(sql<SqlBool>`r.deleted_at is null`);
    if (from) where.push(sql<SqlBool>`r.owner_id = ${from.toLowerCase()}`);
    if (ids) where.push(sql<SqlBool>`r.id = ${anyUuid(ids)}`);
    if (input.filter !== undefined && input.filter !== null) {
      oa?.assertFilterReadable(input.filter, '/filter');
      where.push(filterPredicate(om, input.filter, ctx.access?.variables() ?? { $user: { id: ctx.actor ?? null }, $now: new Date().toISOString() }));
    }
    const read = oa?.scope('read').predicate;
    const transfer = oa?.scope('transfer').predicate;
    return { om, where, read, transfer };
  });

  return db.transaction().execute(async (trx) => {
    const counts: Record<string, number> = {};
    for (const { om, where, read, transfer } of plans) {
      const table = sql.id(schema, om.table);
      if (ids && (read || transfer)) {
        // Every id named must be one the viewer may transfer: otherwise nothing moves.
        const rows = await sql<{ id: string; r: boolean; t: boolean }>`select r.id, ${read ?? sql`true`} as r, ${transfer ?? sql`true`} as t
          from ${table} r where r.id = ${anyUuid(ids)}${input.includeDeleted ? sql`` : sql` and r.deleted_at is null`}`.execute(trx);
        const seen = new Map(rows.rows.map((r) => [r.id, r]));
        for (const [index, id] of ids.entries()) {
          const row = seen.get(id);
          if (!row?.r) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id, index });
          if (!row.t) throw new AppError('FORBIDDEN', { object: om.name, id, index, action: 'transfer' });
        }
      }
      const conditions = [...where, ...(read ? [read] : []), ...(transfer ? [transfer] : []), sql<SqlBool>`r.owner_id is distinct from ${newOwner}`];
      const now = new Date().toISOString();
      const actor = ctx.actor ?? null;
      const requestId = ctx.requestId ?? null;
      const result = await sql<{ n: number }>`
        with picked as (
          select r.id, r.owner_id from ${table} r where ${sql.join(conditions, sql` and `)} for update
        ), moved as (
          update ${table} u set owner_id = ${newOwner}, version = u.version + 1, updated_at = ${now}, updated_by = ${actor}
          from picked where u.id = picked.id
          returning u.id, u.version, picked.owner_id as old_owner
        ), audit as (
          insert into ${sql.id(schema, '_audit')} (object_id, record_id, version, action, changes, actor, request_id, at)
          select ${om.id}, id, version, 'transfer', jsonb_build_object('owner_id', jsonb_build_array(old_owner, ${newOwner}::uuid)), ${actor}::uuid, ${requestId}, ${now}::timestamptz from moved
        ), events as (
          insert into ${sql.id(schema, '_outbox')} (event, object_id, record_id, payload, actor, request_id, at)
          select 'record.transferred', ${om.id}, id,
            jsonb_build_object('object', ${om.name}::text, 'version', version, 'from', old_owner, 'to', ${newOwner}::uuid), ${actor}::uuid, ${requestId}, ${now}::timestamptz from moved
        )
        select count(*)::int as n from moved`.execute(trx);
      const n = Number(result.rows[0]?.n ?? 0);
      if (n) counts[om.name] = n;
    }
    return counts;
  });
}
