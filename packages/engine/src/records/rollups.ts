import { sql } from 'kysely';
import { computeFormulas } from '../model/formulas';
import { aggregate } from '../schema/backfill';
import { rowToRecord } from './row';
import { type Tx, touchParents } from './tx';

/**
 * Recomputes the rollups of every parent touched in this transaction (and, in turn, of their own
 * parents). Each parent row is locked first, so two transactions adding lines to the same
 * parent cannot both compute from a stale sum. Rollups are derived data: the parent's version
 * is not bumped and no audit row is written.
 */
export async function recomputeRollups(tx: Tx): Promise<void> {
  for (let round = 0; tx.touched.size && round < 10; round++) {
    const pending = [...tx.touched];
    tx.touched.clear();
    for (const [objectId, ids] of pending) {
      const parent = tx.model.byId.get(objectId);
      if (!parent) continue;
      const sorted = [...ids].sort();
      await tx.trx.withSchema(tx.schema).selectFrom(parent.table).select('id').where('id', 'in', sorted).orderBy('id').forUpdate().execute();
      const rollupFields = parent.rollups;
      const sets = rollupFields.map((f) => {
        const child = tx.model.byId.get(f.field.options.object as string);
        const measure = f.field.options.field as string | undefined;
        return sql`${sql.id(f.column)} = (select ${aggregate(f.field.options.aggregate as 'count', measure)} from ${sql.id(tx.schema, child?.table ?? '_missing')} c where c.${sql.id(f.field.options.via as string)} = p.id and c.deleted_at is null)`;
      });
      if (!sets.length) continue;
      const rows = await sql<
        Record<string, unknown>
      >`update ${sql.id(tx.schema, parent.table)} p set ${sql.join(sets)} where p.id = any(${sorted}::uuid[]) returning ${sql.join(parent.selectColumns.map((c) => sql.ref(`p.${c}`)))}`.execute(
        tx.trx,
      );
      if (parent.formulas.length && rows.rows.length) {
        // Formulas over the new rollup values, computed in Node and written in one statement.
        const values = rows.rows.map((row) => {
          const computed = computeFormulas(parent.formulas, rowToRecord(parent, row), tx.now.toISOString());
          return { id: row.id, ...Object.fromEntries(parent.formulas.map((f) => [f.column, computed[f.name] ?? null])) };
        });
        const columns = sql.join(parent.formulas.map((f) => sql`${sql.id(f.column)} ${sql.raw(f.type.column(f.field))}`));
        const sets = sql.join(parent.formulas.map((f) => sql`${sql.id(f.column)} = v.${sql.id(f.column)}`));
        await sql`update ${sql.id(tx.schema, parent.table)} p set ${sets}
          from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, ${columns}) where p.id = v.id`.execute(tx.trx);
        for (const [i, row] of rows.rows.entries()) Object.assign(row, values[i]);
      }
      touchParents(tx, parent, ...rows.rows);
    }
  }
}
