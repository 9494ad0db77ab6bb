import { AppError } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import { anyUuid } from '../db/sql-helpers';
import type { ObjectModel } from '../model/compile';
import { filterPredicate } from '../query/query';
import type { WriteContext } from '../records/behaviours';
import { changeLog } from '../records/change-log';
import { setWritten } from '../records/pipeline';
import type { Tx } from '../records/tx';

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
 * Gives records a new owner, in the caller's transaction: for each object one set change through
 * the change-log writer, each moved record getting its version bumped, an audit entry
 * (`owner_id` before → after, action `transfer`) and a `record.transferred` event written by the
 * same statement. With a viewer, only records in both their read and transfer scopes move; ids
 * outside them refuse the whole call.
 */
export async function transferOwner(tx: Tx, { objects, input }: { objects: ObjectModel[]; input: TransferInput }): Promise<Record<string, number>> {
  const ctx = tx.ctx;
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

  const target = await tx.trx.withSchema(tx.schema).selectFrom('_user').select(['id', 'active']).where('id', '=', to.toLowerCase()).executeTakeFirst();
  if (!target || target.active === false)
    throw new AppError('RECORD_REFERENCE_INVALID', { problems: [{ code: 'RECORD_REFERENCE_INVALID', field: 'to', message: 'no such active member' }] });
  const newOwner = target.id as string;

  // Every object's conditions are checked and compiled before the first write.
  const plans = objects.map((om) => {
    const where: Expression<SqlBool>[] = [];
    const oa = ctx.access?.object(om);
    if (oa && !oa.grants('transfer')) throw new AppError('FORBIDDEN', { object: om.name, action: 'transfer' });
    if (!input.includeDeleted) where.push(sql<SqlBool>`r.deleted_at is null`);
    if (from) where.push(sql<SqlBool>`r.owner_id = ${from.toLowerCase()}`);
    if (ids) where.push(sql<SqlBool>`r.id = ${anyUuid(ids)}`);
    if (input.filter !== undefined && input.filter !== null) {
      oa?.assertFilterReadable(input.filter, '/filter');
      where.push(filterPredicate(om, input.filter, ctx.access?.variables() ?? { $user: { id: ctx.actor ?? null }, $now: tx.now.toISOString() }));
    }
    const read = oa?.scope('read').predicate;
    const transfer = oa?.scope('transfer').predicate;
    return { om, where, read, transfer };
  });

  const counts: Record<string, number> = {};
  for (const { om, where, read, transfer } of plans) {
    if (ids && (read || transfer)) {
      // Every id named must be one the viewer may transfer: otherwise nothing moves.
      const rows = await sql<{ id: string; r: boolean; t: boolean }>`select r.id, ${read ?? sql`true`} as r, ${transfer ?? sql`true`} as t
        from ${sql.id(tx.schema, om.table)} r where r.id = ${anyUuid(ids)}${input.includeDeleted ? sql`` : sql` and r.deleted_at is null`}`.execute(tx.trx);
      const seen = new Map(rows.rows.map((r) => [r.id, r]));
      for (const [index, id] of ids.entries()) {
        const row = seen.get(id);
        if (!row?.r) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id, index });
        if (!row.t) throw new AppError('FORBIDDEN', { object: om.name, id, index, action: 'transfer' });
      }
    }
    const conditions = [...where, ...(read ? [read] : []), ...(transfer ? [transfer] : []), sql<SqlBool>`r.owner_id is distinct from ${newOwner}`];
    const w: WriteContext = { tx, om, action: 'transfer', values: { owner_id: newOwner }, record: {}, ids };
    await tx.behaviours.run('beforeWrite', w);
    const moved = await changeLog.writeSet({
      tx,
      om,
      where: conditions,
      set: { owner_id: newOwner },
      action: 'transfer',
      event: 'record.transferred',
      payload: { from: { before: 'owner_id' }, to: { after: 'owner_id' } },
    });
    if (moved.length) {
      counts[om.name] = moved.length;
      await setWritten(w, moved);
    }
  }
  return counts;
}
