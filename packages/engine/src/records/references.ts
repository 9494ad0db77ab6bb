import { anyUuid } from '../db/sql-helpers';
import { AppError, type Problem } from '@tangram/errors';
import type { Db } from '../db/database';
import type { ObjectModel } from '../model/compile';

const targets: Record<string, (f: { field: { options: Record<string, unknown> } }) => string> = {
  lookup: (f) => f.field.options.target as string,
  masterdetail: (f) => f.field.options.target as string,
  manytomany: (f) => f.field.options.target as string,
  user: () => '_user',
  department: () => '_department',
};

/**
 * Checks that every record a write points at exists and is not in the recycle bin, naming the
 * field on failure (a foreign key alone would accept a deleted record and name only a constraint).
 */
export async function checkReferences(
  trx: Db,
  schema: string,
  om: ObjectModel,
  values: Record<string, unknown>,
  /** Ids known to exist in this transaction (created in it), by table: no query needed for them. */
  known?: Map<string, Set<string>>,
): Promise<void> {
  const problems: Problem[] = [];
  for (const f of om.fields) {
    const target = targets[f.field.type]?.(f);
    const value = values[f.name];
    if (!target || value === null || value === undefined) continue;
    const seen = known?.get(target);
    const ids = (Array.isArray(value) ? (value as string[]) : [value as string]).filter((id) => !seen?.has(String(id).toLowerCase()));
    if (!ids.length) continue;
    let q = trx.withSchema(schema).selectFrom(target).select('id').where('id', '=', anyUuid(ids));
    if (!target.startsWith('_')) q = q.where('deleted_at', 'is', null);
    const found = new Set((await q.execute()).map((r) => r.id as string));
    const missing = ids.filter((id) => !found.has(id.toLowerCase()) && !found.has(id));
    if (missing.length)
      problems.push({
        code: 'RECORD_REFERENCE_INVALID',
        field: f.name,
        message: `no ${target} record ${missing.slice(0, 5).join(', ')}`,
        missing: missing.slice(0, 20),
      });
  }
  if (problems.length) throw AppError.problems('RECORD_REFERENCE_INVALID', problems);
}
