import { AppError, type Problem } from '@tangram/errors';
import { type RuleVariables, bindVariables, checkRule, compileFilter } from '@tangram/logic';
import { CompiledQuery, type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database';
import { translatePgError } from '../db/pg-errors';
import type { Model, ObjectModel } from '../model/compile';
import { readJunctions } from '../model/junctions';
import { type RecordData, rowToRecord } from '../model/row';
import { type CursorContext, type SortKey, decodeCursor, encodeCursor } from './cursor';
import { expandRecords } from './expand';
import { keysetPredicate } from './keyset';
import type { ObjectAccess, UserAccess } from '../access/access';

export interface QueryOptions {
  /** JSON Logic over field names, e.g. `{"and":[{">":[{"var":"amount"},1000]},{"==":[{"var":"stage"},"won"]}]}`. */
  filter?: unknown;
  sort?: { field: string; direction?: 'asc' | 'desc' }[];
  limit?: number;
  offset?: number;
  /** The `nextCursor` of the previous page (keyset pagination; stable under inserts). */
  after?: string;
  /** Field names to return (id and version always come). */
  fields?: string[];
  /** Lookup, many-to-many or detail-line names whose records are returned under `$expanded`. */
  expand?: string[];
  /** Text searched (substring, case-insensitive, any script) in the object's search fields. */
  search?: string;
  /** Return the total: exact up to `exactCountLimit` rows, else the planner's estimate. */
  count?: boolean;
  /** The recycle bin instead of live records. */
  deleted?: boolean;
  variables?: RuleVariables;
  /** Extra predicate on alias `r`. */
  scope?: Expression<SqlBool>;
  /** The viewer whose rights apply: their read scope, hidden fields and refusals. None: unrestricted. */
  viewer?: UserAccess;
  /** `export` applies the viewer's export scope on top of their read scope. */
  purpose?: 'read' | 'export';
  /** The server's key that seals cursors (see cursor.ts); without one they are only signed by sort. */
  cursorKey?: Buffer;
}

/** What a cursor is sealed with and bound to: the server's key and who asked. */
function cursorContext(opts: QueryOptions): CursorContext | undefined {
  return opts.cursorKey ? { key: opts.cursorKey, viewer: opts.viewer?.userId ?? '' } : undefined;
}

export interface QueryResult {
  records: RecordData[];
  nextCursor: string | null;
  total?: number;
  totalExact?: boolean;
}

const maxLimit = 1000;
export const exactCountLimit = 10_000;

// No prototype: a sort or field named `constructor` or `__proto__` must not look like a system column.
const systemSql: Record<string, string> = Object.assign(Object.create(null), {
  id: 'uuid',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  created_by: 'uuid',
  updated_by: 'uuid',
  owner_id: 'uuid',
  version: 'integer',
});

/** The recycle bin also sorts by when records were deleted (in live lists that column is always null). */
const deletedSql: Record<string, string> = Object.assign(Object.create(null), { deleted_at: 'timestamptz', deleted_by: 'uuid' });

function sortKeys(om: ObjectModel, sort: QueryOptions['sort'], problems: Problem[], deleted: boolean): { keys: SortKey[]; casts: string[] } {
  const keys: SortKey[] = [];
  const casts: string[] = [];
  (sort ?? []).forEach((s, i) => {
    if (typeof s !== 'object' || s === null) {
      problems.push({ code: 'QUERY_INVALID', path: `/sort/${i}`, message: 'must be { field, direction }' });
      return;
    }
    const dir = s.direction ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') problems.push({ code: 'QUERY_INVALID', path: `/sort/${i}/direction`, message: 'must be asc or desc' });
    const f = om.byName.get(s.field);
    const system = systemSql[s.field] ?? (deleted ? deletedSql[s.field] : undefined);
    if (system) {
      keys.push({ column: s.field, direction: dir });
      casts.push(system);
    } else if (f?.type.storage !== 'column')
      problems.push({ code: 'FIELD_NOT_FOUND', path: `/sort/${i}/field`, field: s.field, message: `no field "${String(s.field).slice(0, 100)}"` });
    else if (!f.type.sortable)
      problems.push({ code: 'QUERY_INVALID', path: `/sort/${i}/field`, field: s.field, message: `a ${f.field.type} field cannot be sorted on` });
    else {
      keys.push({ column: f.column, direction: dir });
      casts.push(f.type.column(f.field));
    }
  });
  if (!keys.some((k) => k.column === 'id')) {
    keys.push({ column: 'id', direction: keys.length ? 'asc' : 'desc' });
    casts.push('uuid');
  }
  return { keys, casts };
}

function selectedColumns(om: ObjectModel, fields: string[] | undefined, problems: Problem[]): string[] {
  if (!fields) return om.selectColumns;
  const cols = new Set(['id', 'version']);
  fields.forEach((name, i) => {
    const f = om.byName.get(name);
    if (systemSql[name] || name === 'deleted_at' || name === 'deleted_by') cols.add(name);
    else if (!f) problems.push({ code: 'FIELD_NOT_FOUND', path: `/fields/${i}`, field: name, message: `no field "${String(name).slice(0, 100)}"` });
    else if (f.type.storage === 'column') cols.add(f.column);
  });
  return [...cols];
}

function searchPredicate(om: ObjectModel, term: string, oa: ObjectAccess | undefined): Expression<SqlBool> {
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // A field the viewer may not read is not searched: a match would reveal what it holds.
  const cols = om.def.searchFields.map((id) => om.byColumn.get(id)).filter((f) => f && f.kind === 'text' && (!oa || oa.readable(f.name)));
  if (!cols.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`(${sql.join(
    cols.map((f) => sql`${sql.ref(`r.${f?.column}`)} ilike ${pattern}`),
    sql` or `,
  )})`;
}

/** The filter as a predicate, after checking it names only readable fields and known operators. */
export function filterPredicate(om: ObjectModel, filter: unknown, variables: RuleVariables = {}): Expression<SqlBool> {
  const { rule } = checkRule(filter, om.logic, { context: 'filter', variables: Object.keys(variables) });
  return compileFilter(bindVariables(rule, variables), om.logic, { alias: 'r', vars: variables });
}

/**
 * The viewer's refusals: reading the object at all, and naming a field they may not read (refused,
 * never silently ignored). Run on every call, never cached: two viewers may share a plan (same
 * scope, same hidden fields) yet only one of them may name a given field.
 */
function assertViewerMay(om: ObjectModel, opts: QueryOptions): void {
  const oa = opts.viewer?.object(om);
  if (!oa) return;
  if (!oa.grants('read')) throw new AppError('FORBIDDEN', { object: om.name, action: 'read' });
  oa.assertFilterReadable(opts.filter, '/filter');
  oa.assertReadable(
    (Array.isArray(opts.sort) ? opts.sort : []).map((s) => s?.field),
    '/sort',
  );
  oa.assertReadable(Array.isArray(opts.fields) ? opts.fields : [], '/fields');
  oa.assertReadable(Array.isArray(opts.expand) ? opts.expand : [], '/expand');
}

const hiddenKeys = new WeakMap<ObjectAccess, string>();

/** What of a viewer's field access a plan depends on (the search predicate leaves hidden fields out). */
function hiddenKey(oa: ObjectAccess): string {
  let key = hiddenKeys.get(oa);
  if (key === undefined) hiddenKeys.set(oa, (key = [...oa.hidden].sort().join(',')));
  return key;
}

interface PagePlan {
  compiled: CompiledQuery;
  /** Frozen: every page the plan serves signs its cursor with these (see cursor.ts). */
  keys: readonly SortKey[];
  limit: number;
  base: Expression<SqlBool>[];
}

/** Checks the options and builds the page's SQL (the part worth caching). */
function planPage(db: Db, schema: string, om: ObjectModel, opts: QueryOptions): PagePlan {
  const problems: Problem[] = [];
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) problems.push({ code: 'QUERY_INVALID', path: '/limit', message: `must be 1..${maxLimit}` });
  if (opts.offset !== undefined && (!Number.isSafeInteger(opts.offset) || opts.offset < 0))
    problems.push({ code: 'QUERY_INVALID', path: '/offset', message: 'must be a whole number ≥ 0' });
  if (opts.offset && opts.after) problems.push({ code: 'QUERY_INVALID', path: '/after', message: 'use either offset or after' });
  if (opts.search !== undefined && (typeof opts.search !== 'string' || opts.search.length > 200 || opts.search.includes('\u0000')))
    problems.push({ code: 'QUERY_INVALID', path: '/search', message: 'must be text of at most 200 characters' });
  const lists = { sort: opts.sort, fields: opts.fields, expand: opts.expand };
  for (const [key, value] of Object.entries(lists))
    if (value !== undefined && !Array.isArray(value)) problems.push({ code: 'QUERY_INVALID', path: `/${key}`, message: 'must be a list' });
  const { keys, casts } = sortKeys(om, Array.isArray(opts.sort) ? opts.sort : undefined, problems, opts.deleted === true);
  const columns = selectedColumns(om, Array.isArray(opts.fields) ? opts.fields : undefined, problems);
  if (problems.length) throw AppError.problems('QUERY_INVALID', problems);
  const oa = opts.viewer?.object(om);

  let where: Expression<SqlBool>[] = [opts.deleted ? sql<SqlBool>`r.deleted_at is not null` : sql<SqlBool>`r.deleted_at is null`];
  if (opts.filter !== undefined && opts.filter !== null) where.push(filterPredicate(om, opts.filter, opts.variables));
  if (opts.search) where.push(searchPredicate(om, opts.search, oa));
  if (opts.scope) where.push(opts.scope);
  if (oa) {
    const read = oa.scope('read').predicate;
    if (read) where.push(read);
    if (opts.purpose === 'export') {
      const exp = oa.scope('export').predicate;
      if (exp) where.push(exp);
    }
  }
  const base = where;
  if (opts.after) where = [...where, keysetPredicate('r', keys, decodeCursor(keys, opts.after, cursorContext(opts)), casts)];

  const selectCols = [...new Set([...columns, ...keys.map((k) => k.column)])];
  let q = db
    .withSchema(schema)
    .selectFrom(`${om.table} as r`)
    .select(selectCols.map((c) => `r.${c}`))
    .where((eb) => eb.and(where))
    .limit(limit + 1);
  for (const k of keys) q = q.orderBy(`r.${k.column}`, k.direction);
  if (opts.offset) q = q.offset(opts.offset);
  return { compiled: q.compile(), keys: Object.freeze(keys.map((k) => Object.freeze(k))), limit, base };
}

const plans = new WeakMap<ObjectModel, Map<string, PagePlan>>();

/**
 * The page plan, cached per object model (one metadata revision) and options: checking and
 * compiling a filter costs more than running it. Options with a scope, or variables the filter
 * uses, are keyed by those too; `$now` changes each time, so such filters are not cached.
 */
function cachedPlan(db: Db, schema: string, om: ObjectModel, opts: QueryOptions): PagePlan {
  assertViewerMay(om, opts);
  const { variables, scope, expand, count, viewer, cursorKey, ...rest } = opts;
  let key: string;
  try {
    key = JSON.stringify(rest);
  } catch {
    // Too deep to serialise (a hostile filter): the rule checker refuses it with RULE_TOO_COMPLEX.
    return planPage(db, schema, om, opts);
  }
  if (scope || key.includes('"$')) return planPage(db, schema, om, opts);
  if (viewer) {
    // A viewer's plan carries their scope's values: keyed by their resolution of it.
    const oa = viewer.object(om);
    const scopeKey = opts.purpose === 'export' ? [oa.scope('read').key, oa.scope('export').key] : [oa.scope('read').key];
    if (scopeKey.includes(undefined)) return planPage(db, schema, om, opts);
    // A cursor is bound to the viewer it was given to: a plan built from one is theirs alone.
    key = `${scopeKey.join('&')}|${hiddenKey(oa)}|${opts.after ? viewer.userId : ''}|${key}`;
  }
  let byKey = plans.get(om);
  if (!byKey) plans.set(om, (byKey = new Map()));
  let plan = byKey.get(key);
  if (!plan) {
    plan = planPage(db, schema, om, opts);
    if (byKey.size >= 500) byKey.clear();
    byKey.set(key, plan);
  }
  return plan;
}

/**
 * Lists records: filter, search, sort, keyset or offset pagination, field selection, expansion
 * and an optional total. One SQL statement for the page (plus one per expansion).
 */
export async function queryRecords(db: Db, schema: string, model: Model, om: ObjectModel, opts: QueryOptions = {}): Promise<QueryResult> {
  const { compiled, keys, limit, base } = cachedPlan(db, schema, om, opts);
  try {
    const rows = (await db.executeQuery<Record<string, unknown>>(compiled)).rows;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor(
            keys,
            keys.map((k) => last[k.column] ?? null),
            cursorContext(opts),
          )
        : null;
    const records = page.map((r) => rowToRecord(om, r));
    if (!opts.fields || opts.fields.some((n) => om.junctions.some((j) => j.name === n))) await attachJunctions(db, schema, om, records);
    if (opts.expand?.length) await expandRecords(db, schema, model, om, records, opts.expand, opts.viewer);
    if (opts.viewer) {
      const oa = opts.viewer.object(om);
      for (const r of records) oa.strip(r);
    }
    const result: QueryResult = { records, nextCursor };
    if (opts.count) Object.assign(result, await countRecords(db, schema, om, base));
    return result;
  } catch (e) {
    const t = translatePgError(e, { object: om.name });
    if ((t as { code?: string }).code === '22P02' || (t as { code?: string }).code === '22007')
      throw new AppError('CURSOR_INVALID', { reason: 'bad cursor values' });
    throw t;
  }
}

export async function attachJunctions(db: Db, schema: string, om: ObjectModel, records: RecordData[]): Promise<void> {
  if (!om.junctions.length || !records.length) return;
  const values = await readJunctions(
    db,
    schema,
    om,
    records.map((r) => r.id),
  );
  for (const [name, byRecord] of values) for (const r of records) r[name] = byRecord.get(r.id) ?? [];
}

/** Exact count when the planner expects at most `exactCountLimit` rows, else its estimate. */
async function countRecords(db: Db, schema: string, om: ObjectModel, where: Expression<SqlBool>[]): Promise<{ total: number; totalExact: boolean }> {
  const q = db
    .withSchema(schema)
    .selectFrom(`${om.table} as r`)
    .select(sql`1`.as('x'))
    .where((eb) => eb.and(where));
  const compiled = q.compile();
  const plan = await db.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
  const estimate = estimateRows(plan.rows[0]?.['QUERY PLAN']);
  if (estimate > exactCountLimit) return { total: estimate, totalExact: false };
  const { n } = await db
    .withSchema(schema)
    .selectFrom(`${om.table} as r`)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.and(where))
    .executeTakeFirstOrThrow();
  return { total: Number(n), totalExact: true };
}

function estimateRows(plan: unknown): number {
  const doc = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan?: { 'Plan Rows'?: number } }[];
  return Math.round(doc?.[0]?.Plan?.['Plan Rows'] ?? Number.POSITIVE_INFINITY);
}
