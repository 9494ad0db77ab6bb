import { anyUuid } from '../db/sql-helpers';
import type { Db } from '../db/database';
import type { ObjectModel } from './compile';

/** Replaces the many-to-many links of one record for the lists given in `values` (by field name), keeping the order given. */
export async function writeJunctions(
  { trx, schema }: { trx: Db; schema: string },
  { om, id, values }: { om: ObjectModel; id: string; values: Record<string, unknown> },
): Promise<void> {
  for (const j of om.junctions) {
    if (!(j.name in values)) continue;
    await trx.withSchema(schema).deleteFrom(j.table).where('source_id', '=', id).execute();
    const ids = (values[j.name] as string[] | null) ?? [];
    if (ids.length)
      await trx
        .withSchema(schema)
        .insertInto(j.table)
        .values(ids.map((target_id, position) => ({ source_id: id, target_id, position })))
        .execute();
  }
}

/** Loads the many-to-many values of several records: field name → record id → related ids. */
export async function readJunctions(db: Db, schema: string, om: ObjectModel, ids: string[]): Promise<Map<string, Map<string, string[]>>> {
  const out = new Map<string, Map<string, string[]>>();
  if (!ids.length) return out;
  for (const j of om.junctions) {
    const rows = await db
      .withSchema(schema)
      .selectFrom(j.table)
      .select(['source_id', 'target_id'])
      .where('source_id', '=', anyUuid(ids))
      .orderBy('source_id')
      .orderBy('position')
      .execute();
    const byRecord = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const r of rows) byRecord.get(r.source_id as string)?.push(r.target_id as string);
    out.set(j.name, byRecord);
  }
  return out;
}
