import { fieldTypes } from '@tangram/fields';
import type { Field, ObjectDef, ResolvedApp } from '@tangram/metadata';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { compileModel } from '../model/compile';
import { computeFormulas } from '../model/formulas';
import { rowToRecord } from '../model/row';

const batch = 1000;

/** Computes a formula or rollup field for every existing record (after it is added or changed). */
export async function backfillField(db: Db, schema: string, app: ResolvedApp, object: ObjectDef, field: Field): Promise<void> {
  const model = compileModel(app, 0);
  const om = model.byId.get(object.id);
  if (!om) return;
  if (fieldTypes[field.type].computed === 'aggregate') {
    const dep = model.byId.get(field.options.object as string)?.rollupsFed.find((d) => d.parentField.field.id === field.id);
    if (!dep) return;
    const child = model.byId.get(field.options.object as string);
    if (!child) return;
    await sql`update ${sql.id(schema, om.table)} p set ${sql.id(field.id)} = (select ${aggregate(dep.aggregate, dep.measureColumn)} from ${sql.id(schema, child.table)} c where c.${sql.id(dep.viaColumn)} = p.id and c.deleted_at is null)`.execute(
      db,
    );
    return;
  }
  const formulas = om.formulas;
  const now = new Date().toISOString();
  let after: string | undefined;
  for (;;) {
    let q = db.withSchema(schema).selectFrom(om.table).select(om.selectColumns).orderBy('id').limit(batch);
    if (after) q = q.where('id', '>', after);
    const rows = await q.execute();
    for (const row of rows) {
      const computed = computeFormulas(formulas, rowToRecord(om, row), now);
      const set = Object.fromEntries(formulas.map((f) => [f.column, computed[f.name] ?? null]));
      await db.withSchema(schema).updateTable(om.table).set(set).where('id', '=', row.id).execute();
    }
    if (rows.length < batch) break;
    after = rows[rows.length - 1]?.id as string;
  }
}

export function aggregate(kind: 'count' | 'sum' | 'min' | 'max', column?: string) {
  if (kind === 'count' || !column) return sql`count(*)`;
  const col = sql.ref(`c.${column}`);
  if (kind === 'sum') return sql`coalesce(sum(${col}), 0)`;
  return kind === 'min' ? sql`min(${col})` : sql`max(${col})`;
}
