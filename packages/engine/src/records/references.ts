import { AppError, type Problem } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import { anyUuid } from '../db/sql-helpers';
import type { ObjectModel } from '../model/compile';
import type { Tx } from './tx';

/** The problem of a reference to records that do not exist, or that the writer may not read: the same words for both. */
export function missingReference(field: string, target: string, missing: string[]): Problem {
  return { code: 'RECORD_REFERENCE_INVALID', field, message: `no ${target} record ${missing.slice(0, 5).join(', ')}`, missing: missing.slice(0, 20) };
}

/**
 * Checks that every record a write points at exists, is not in the recycle bin and, for a member,
 * is one they may read, naming the field on failure (a foreign key alone would accept a deleted
 * record and name only a constraint). A record the member may not read is answered exactly like
 * one that does not exist, so ids cannot be probed through a lookup. Ids created in this
 * transaction (`tx.created`) need no query.
 */
export async function checkReferences(tx: Tx, om: ObjectModel, values: Record<string, unknown>): Promise<void> {
  const problems: Problem[] = [];
  for (const f of om.fields) {
    const target = f.type.reference?.target(f.field);
    const value = values[f.name];
    if (!target || value === null || value === undefined) continue;
    const seen = tx.created.get(target);
    const ids = (Array.isArray(value) ? (value as string[]) : [value as string]).filter((id) => !seen?.has(String(id).toLowerCase()));
    if (!ids.length) continue;
    const conditions: Expression<SqlBool>[] = [sql<SqlBool>`r.id = ${anyUuid(ids)}`];
    if (!target.startsWith('_')) {
      conditions.push(sql<SqlBool>`r.deleted_at is null`);
      const targetModel = tx.model.byId.get(target);
      const read = targetModel && tx.ctx.access?.object(targetModel).scope('read');
      if (read?.predicate) conditions.push(read.predicate);
    }
    const rows = await sql<{ id: string }>`select r.id from ${sql.id(tx.schema, target)} r where ${sql.join(conditions, sql` and `)}`.execute(tx.trx);
    const found = new Set(rows.rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id.toLowerCase()) && !found.has(id));
    if (missing.length) problems.push(missingReference(f.name, target, missing));
  }
  if (problems.length) throw AppError.problems('RECORD_REFERENCE_INVALID', problems);
}
