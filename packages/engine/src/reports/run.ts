import { AppError } from '@tangram/errors';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database';
import { translatePgError } from '../db/pg-errors';
import { filterPredicate } from '../query/query';
import { type CompileContext, type CompiledDimension, type CompiledReport, compileReport } from './compile';
import { applyComputed } from './computed';
import type { ReportResult, ReportSpec } from './spec';

const position = (i: number) => sql.raw(String(i));

/** The statement of a compiled report: one SELECT (the top-N values, when asked, are a CTE of it). */
export function reportStatement(c: CompiledReport, spec: ReportSpec): RawBuilder<Record<string, unknown>> {
  const where = sql.join(c.where, sql` and `);
  const dims = [...c.rows, ...c.columns];
  const top = spec.top && c.rows[0] ? { ...spec.top, dim: c.rows[0] } : undefined;
  const topMeasure = top ? c.aggregates.find((a) => a.name === top.by) : undefined;
  let from = c.from;
  let extraWhere = sql``;
  const dimExpr = (d: CompiledDimension) => (top && d === top.dim ? sql`case when t.v is not null then ${d.expr} end` : d.expr);
  if (top && topMeasure) {
    // The top values, then every record of the rest grouped as one row: a measure that does not add
    // up (avg, distinct) is computed over the rest's records, not summed from their groups.
    from = sql`${c.from} left join top_values as t on t.v = ${top.dim.expr}`;
    if (top.others === false) extraWhere = sql` and t.v is not null`;
  }
  const select: RawBuilder<unknown>[] = [];
  dims.forEach((d) => {
    select.push(sql`${dimExpr(d)} as ${sql.id(d.key)}`);
  });
  const labelled = dims.filter((d) => d.label);
  for (const d of labelled)
    select.push(sql`min(${top && d === top.dim ? sql`case when t.v is not null then ${d.label} end` : d.label}) as ${sql.id(`${d.key}$label`)}`);
  for (const a of c.aggregates) select.push(sql`${a.expr} as ${sql.id(a.name)}`);
  if (top && topMeasure) select.push(sql`bool_or(t.v is null) as "$others"`);
  // Grouped by position (a grouped expression holds no bound value), or by the expression a
  // dimension's value is computed from once per group (a period: by its truncated timestamp).
  const groupOf = (d: CompiledDimension, i: number) => (d.group && d !== top?.dim ? d.group : position(i + 1));
  const groupingOf = (d: CompiledDimension) => (d.group && d !== top?.dim ? d.group : dimExpr(d));
  const rowPos = c.rows.map((d, i) => groupOf(d, i));
  const colPos = c.columns.map((d, i) => groupOf(d, c.rows.length + i));
  const { rows: rowTotals, columns: colTotals } = subtotalsOf(spec, c);
  if (rowTotals) select.push(sql`grouping(${sql.join(c.rows.map(groupingOf))}) as "$subtotal"`);
  if (colTotals) select.push(sql`grouping(${sql.join(c.columns.map(groupingOf))}) as "$colSubtotal"`);
  let groupBy = sql``;
  if (dims.length) {
    // Grouping elements multiply: rollup(rows), rollup(columns) gives every level of one with every level of the other.
    const rowPart = rowTotals ? sql`rollup(${sql.join(rowPos)})` : rowPos.length ? sql.join(rowPos) : undefined;
    const colPart = colTotals ? sql`rollup(${sql.join(colPos)})` : colPos.length ? sql.join(colPos) : undefined;
    groupBy = sql` group by ${sql.join([rowPart, colPart].filter((x) => x !== undefined))}`;
  }
  const order: RawBuilder<unknown>[] = [];
  for (const s of spec.sort ?? []) {
    const dir = s.direction === 'desc' ? sql`desc` : sql`asc`;
    const di = dims.findIndex((d) => d.key === s.by);
    if (di >= 0) order.push(sql`${position(di + 1)} ${dir} nulls last`);
    else if (c.aggregates.some((a) => a.name === s.by)) order.push(sql`${sql.id(s.by)} ${dir} nulls last`);
  }
  dims.forEach((d, i) => {
    const e = dimExpr(d);
    if (i < c.rows.length ? rowTotals : colTotals) order.push(sql`grouping(${groupingOf(d)})`);
    if (top && d === top.dim) order.push(sql`(${e}) is null`);
    if (d.order) order.push(sql`array_position(array[${sql.join(d.order.map((k) => sql.lit(k)))}]::text[], (${e})::text) nulls last`);
    order.push(sql`${position(i + 1)} nulls last`);
  });
  const body = sql`select ${sql.join(select)} from ${from} where ${where}${extraWhere}${groupBy}${order.length ? sql` order by ${sql.join(order)}` : sql``} limit ${sql.lit(c.limit + 1)}`;
  if (!top || !topMeasure) return body as RawBuilder<Record<string, unknown>>;
  return sql<
    Record<string, unknown>
  >`with top_values as (select ${top.dim.expr} as v from ${c.from} where ${where} group by 1 order by ${topMeasure.expr} desc nulls last, 1 limit ${sql.lit(top.n)}) ${body}`;
}

/** Which dimensions a report totals: `true` is the rows'; a side without dimensions has no totals. */
export function subtotalsOf(spec: ReportSpec, c: Pick<CompiledReport, 'rows' | 'columns'>): { rows: boolean; columns: boolean } {
  const mode = spec.subtotals === true ? 'rows' : spec.subtotals;
  return {
    rows: (mode === 'rows' || mode === 'both') && c.rows.length > 0,
    columns: (mode === 'columns' || mode === 'both') && c.columns.length > 0,
  };
}

/**
 * Report results by what decides them: the statement (its SQL holds the reader's scope, its
 * parameters the reader's values, so two readers share an entry only when they would run the very
 * same statement), the report's computed part, and the database's snapshot when it ran
 * (`pg_current_snapshot()`: the same snapshot means the same committed data, whichever process or
 * tenant wrote last — any commit since gives a new one, so an entry is never served after a change).
 * Field refusals are checked before the cache is read. Least recently used entries go first.
 */
export class ReportCache {
  private readonly entries = new Map<string, ReportResult>();
  hits = 0;
  constructor(private readonly max = 500) {}

  get(key: string): ReportResult | undefined {
    const found = this.entries.get(key);
    if (found) {
      this.entries.delete(key);
      this.entries.set(key, found);
      this.hits++;
    }
    return found;
  }

  set(key: string, value: ReportResult): void {
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** Runs a report for a reader: one statement (and one for its targets), then the computed measures over its rows. */
export async function runReport(db: Db, ctx: CompileContext, spec: ReportSpec, cache?: ReportCache): Promise<ReportResult> {
  const compiled = compileReport(ctx, spec);
  const statement = reportStatement(compiled, spec);
  const targets = compiled.targets ? reportStatement(compiled.targets.compiled, compiled.targets.spec) : undefined;
  let key: string | undefined;
  if (cache) {
    const texts = [statement, ...(targets ? [targets] : [])].map((s) => s.compile(db));
    const stamp = await sql<{ s: string }>`select pg_current_snapshot()::text as s`.execute(db);
    // Age bands count days from today: an answer is good for the hour it was computed in.
    const hour = texts.some((t) => t.sql.includes('now()')) ? Math.floor(Date.now() / 3_600_000) : '';
    key = JSON.stringify([stamp.rows[0]?.s, hour, texts.map((t) => [t.sql, t.parameters]), compiled.computed, !!spec.top, ctx.targetOnlyRows !== false]);
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const execute = (s: RawBuilder<Record<string, unknown>>) =>
    s.execute(db).then(
      (r) => r.rows,
      (e) => {
        throw translatePgError(e);
      },
    );
  const [rows, targetRows] = await Promise.all([execute(statement), targets ? execute(targets) : undefined]);
  const truncated = rows.length > compiled.limit;
  if (truncated) rows.length = compiled.limit;
  if (!spec.top) for (const r of rows) delete r.$others;
  if (compiled.targets && targetRows) joinTargets(compiled, spec, rows, targetRows, ctx.targetOnlyRows !== false && !ctx.where?.length);
  applyComputed(compiled, rows);
  const result = { columns: compiled.columnsOut, rows, truncated };
  if (cache && key) cache.set(key, result);
  return result;
}

/**
 * Puts each target group's measures on the report row with the same dimension values (none: null).
 * A target group without a row becomes one (its measures that count or add up 0, the others null)
 * when `addMissing`; the rows are then sorted again as the report asks.
 */
function joinTargets(compiled: CompiledReport, spec: ReportSpec, rows: Record<string, unknown>[], targetRows: Record<string, unknown>[], addMissing: boolean) {
  const dims = [...compiled.rows, ...compiled.columns];
  const names = (compiled.targets?.spec.values ?? []).map((m) => m.name);
  const keyOf = (values: unknown[]) => JSON.stringify(values.map((v) => (v === null || v === undefined ? null : String(v))));
  const byKey = new Map(rows.map((r) => [keyOf(dims.map((d) => r[d.key])), r]));
  for (const r of rows) for (const n of names) r[n] = null;
  let added = false;
  for (const t of targetRows) {
    const values = dims.map((_, i) => t[`t${i}`]);
    let row = byKey.get(keyOf(values));
    if (!row) {
      if (!addMissing) continue;
      row = {};
      dims.forEach((d, i) => {
        (row as Record<string, unknown>)[d.key] = values[i] ?? null;
        if (d.label) (row as Record<string, unknown>)[`${d.key}$label`] = t[`t${i}$label`] ?? null;
      });
      for (const a of compiled.aggregates) row[a.name] = a.spec.fn === 'count' || a.spec.fn === 'distinct' || a.spec.fn === 'sum' ? 0 : null;
      for (const n of names) row[n] = null;
      rows.push(row);
      byKey.set(keyOf(values), row);
      added = true;
    }
    for (const n of names) row[n] = t[n] ?? null;
  }
  if (!added || !spec.sort?.length) return;
  const sorts = spec.sort.filter((x) => x.by in (rows[0] ?? {}));
  rows.sort((a, b) => {
    for (const s of sorts) {
      const x = a[s.by];
      const y = b[s.by];
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
      return s.direction === 'desc' ? -c : c;
    }
    return 0;
  });
}

/**
 * The records behind one cell of a report: a predicate on alias `r` that keeps the base records
 * whose dimensions have the cell's values (and match the measure's own filter, when one is named).
 * A list query applies it with the reader's scope, so the list has exactly the records counted.
 */
export function drillPredicate(
  ctx: CompileContext,
  spec: ReportSpec,
  cell: Record<string, unknown>,
  measure?: string,
  /** `dimensions`: only the cell's dimension values, not the report's filter and scope (a cross filter on another report). */
  only?: 'dimensions',
  pointer = '/cell',
): Expression<SqlBool> {
  const compiled = compileReport(ctx, spec);
  const invalid = (path: string, message: string) => AppError.problems('QUERY_INVALID', [{ code: 'QUERY_INVALID', path, message }]);
  if (typeof cell !== 'object' || cell === null || Array.isArray(cell)) throw invalid(pointer, 'must be an object of dimension values');
  if (cell.$others) throw invalid(`${pointer}/$others`, 'the "others" row has no single list behind it');
  const dims = [...compiled.rows, ...compiled.columns];
  for (const key of Object.keys(cell)) if (!dims.some((d) => d.key === key)) throw invalid(`${pointer}/${key}`, 'not a dimension of this report');
  const parts: Expression<SqlBool>[] = only === 'dimensions' ? [] : compiled.where.slice();
  for (const d of dims) {
    if (!Object.hasOwn(cell, d.key)) continue; // a subtotal: every value of this dimension
    const v = cell[d.key];
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw invalid(`${pointer}/${d.key}`, 'must be a value of the dimension');
    parts.push(v === null ? sql<SqlBool>`(${d.expr}) is null` : sql<SqlBool>`(${d.expr})::text = ${String(v)}`);
  }
  if (measure !== undefined) {
    const m = compiled.aggregates.find((a) => a.name === measure);
    if (!m) throw AppError.problems('QUERY_INVALID', [{ code: 'QUERY_INVALID', path: '/measure', message: 'a measure the database computes' }]);
    // checked against the reader's rights when the report compiled
    if (m.spec.filter !== undefined && m.spec.filter !== null) parts.push(filterPredicate(ctx.base, m.spec.filter, ctx.variables));
  }
  if (!parts.length) throw invalid(pointer, 'name at least one dimension value');
  // The cell's records, found through the same joins the report grouped by.
  return sql<SqlBool>`r.id in (select r.id from ${compiled.from} where ${sql.join(parts, sql` and `)})`;
}
