import { AppError, type Problem } from '@tangram/errors';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database';
import type { ObjectModel } from '../model/compile';
import { filterPredicate } from './query';
import type { RuleVariables } from '@tangram/logic';
import type { UserAccess } from '../access/access';

export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max';
export type DateGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface AggregateOptions {
  /** Field names to group by; a date or datetime field may carry a grain: `{ field, grain }`. */
  groupBy?: (string | { field: string; grain?: DateGrain })[];
  measures: { fn: AggregateFn; field?: string; as?: string }[];
  filter?: unknown;
  variables?: RuleVariables;
  scope?: Expression<SqlBool>;
  limit?: number;
  /** The viewer whose read scope applies; grouping or measuring a field they may not read is refused. */
  viewer?: UserAccess;
}

const numericKinds = new Set(['number']);
const grains = new Set(['day', 'week', 'month', 'quarter', 'year']);

/**
 * One SQL aggregate: measures (count, sum, avg, min, max) grouped by fields (dates by grain),
 * filtered by JSON Logic. Reports compile to this.
 */
export async function aggregateRecords(db: Db, schema: string, om: ObjectModel, opts: AggregateOptions): Promise<{ rows: Record<string, unknown>[] }> {
  const problems: Problem[] = [];
  const groups: { alias: string; expr: RawBuilder<unknown> }[] = [];
  const oa = opts.viewer?.object(om);
  if (oa) {
    if (!oa.grants('read')) throw new AppError('FORBIDDEN', { object: om.name, action: 'read' });
    oa.assertFilterReadable(opts.filter, '/filter');
    oa.assertReadable(
      (Array.isArray(opts.groupBy) ? opts.groupBy : []).map((g) => (typeof g === 'string' ? g : g?.field)),
      '/groupBy',
    );
    oa.assertReadable(
      (Array.isArray(opts.measures) ? opts.measures : []).map((m) => m?.field as string),
      '/measures',
    );
  }
  (opts.groupBy ?? []).forEach((g, i) => {
    const name = typeof g === 'string' ? g : g?.field;
    const grain = typeof g === 'string' ? undefined : g?.grain;
    const f = om.byName.get(name as string);
    if (f?.type.storage !== 'column' || !f.kind || f.kind === 'json' || f.kind === 'textList') {
      problems.push({ code: 'QUERY_INVALID', path: `/groupBy/${i}`, field: String(name).slice(0, 100), message: 'cannot group by this field' });
      return;
    }
    if (grain !== undefined && (!grains.has(grain) || (f.kind !== 'date' && f.kind !== 'datetime'))) {
      problems.push({ code: 'QUERY_INVALID', path: `/groupBy/${i}/grain`, message: 'a grain needs a date field and one of day, week, month, quarter, year' });
      return;
    }
    const col = sql.ref(`r.${f.column}`);
    const expr = grain ? sql`to_char(date_trunc(${grain}, ${col}${f.kind === 'datetime' ? sql`, 'UTC'` : sql``}), 'YYYY-MM-DD')` : col;
    groups.push({ alias: f.name, expr });
  });
  if (!Array.isArray(opts.measures) || !opts.measures.length) problems.push({ code: 'QUERY_INVALID', path: '/measures', message: 'at least one measure' });
  const measures = (opts.measures ?? []).map((m, i) => {
    const alias = m?.as ?? (m?.field ? `${m.fn}_${m.field}` : String(m?.fn));
    if (!['count', 'sum', 'avg', 'min', 'max'].includes(m?.fn))
      problems.push({ code: 'QUERY_INVALID', path: `/measures/${i}/fn`, message: 'count, sum, avg, min or max' });
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(alias)) problems.push({ code: 'QUERY_INVALID', path: `/measures/${i}/as`, message: 'must be a name' });
    if (m?.fn === 'count' && !m.field) return { alias, expr: sql`count(*)` };
    const f = om.byName.get(m?.field as string);
    if (f?.type.storage !== 'column' || (m.fn !== 'count' && !numericKinds.has(f.kind ?? ''))) {
      problems.push({ code: 'QUERY_INVALID', path: `/measures/${i}/field`, field: String(m?.field).slice(0, 100), message: `${m?.fn} needs a numeric field` });
      return { alias, expr: sql`null` };
    }
    const col = sql.ref(`r.${f.column}`);
    const expr = { count: sql`count(${col})`, sum: sql`coalesce(sum(${col}), 0)`, avg: sql`avg(${col})`, min: sql`min(${col})`, max: sql`max(${col})` }[m.fn];
    return { alias, expr };
  });
  const limit = opts.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) problems.push({ code: 'QUERY_INVALID', path: '/limit', message: 'must be 1..10000' });
  if (problems.length) throw AppError.problems('QUERY_INVALID', problems);

  const where: Expression<SqlBool>[] = [sql<SqlBool>`r.deleted_at is null`];
  if (opts.filter !== undefined && opts.filter !== null) where.push(filterPredicate(om, opts.filter, opts.variables));
  if (opts.scope) where.push(opts.scope);
  const read = oa?.scope('read').predicate;
  if (read) where.push(read);
  const select = [...groups.map((g) => sql`${g.expr} as ${sql.id(g.alias)}`), ...measures.map((m) => sql`${m.expr} as ${sql.id(m.alias)}`)];
  const groupBy = groups.length
    ? sql` group by ${sql.join(groups.map((_, i) => sql.raw(String(i + 1))))} order by ${sql.join(groups.map((_, i) => sql.raw(String(i + 1))))}`
    : sql``;
  // The limit is a validated integer, inlined: as a bind parameter it makes Postgres reuse a
  // generic plan for this prepared statement, measured 2x slower than the custom one.
  const rows = await sql<
    Record<string, unknown>
  >`select ${sql.join(select)} from ${sql.id(schema, om.table)} as r where ${sql.join(where, sql` and `)}${groupBy} limit ${sql.lit(limit)}`.execute(db);
  return { rows: rows.rows };
}
