import { AppError, type Problem } from '@tangram/errors';
import type { RuleVariables } from '@tangram/logic';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ObjectAccess, UserAccess } from '../access/access';
import { type FieldModel, type Model, type ObjectModel, objectIn } from '../model/compile';
import { filterPredicate } from '../query/query';
import {
  type AggregateMeasure,
  type ComputedMeasure,
  type Dimension,
  type Measure,
  type ReportColumn,
  type ReportSpec,
  type ReportTargets,
  aggregateFns,
  computedFns,
  dateBuckets,
  subtotalModes,
} from './spec';

// A report compiles to one SQL statement: the base object as `r`, a left join per lookup hop (the
// target's rows limited to the reader's read scope, so what they may not read groups as empty), the
// reader's read scope and the filter in WHERE, dimensions in GROUP BY (by position: a grouped
// expression holds no bound value, only identifiers and literals), each measure an aggregate with
// its own FILTER. Computed measures are a pass over the small result (computed.ts).

export const maxHops = 3;
const maxDimensions = 6;
const maxMeasures = 30;
export const maxRows = 10_000;

const systemKinds: Record<string, string> = Object.assign(Object.create(null), {
  id: 'uuid',
  created_at: 'datetime',
  updated_at: 'datetime',
  created_by: 'user',
  updated_by: 'user',
  owner_id: 'user',
});
const systemUser = new Set(['created_by', 'updated_by', 'owner_id']);

export interface CompileContext {
  schema: string;
  model: Model;
  base: ObjectModel;
  viewer?: UserAccess;
  variables?: RuleVariables;
  timeZone: string;
  /** More conditions on the base records (alias `r`): a dashboard's cross filter. */
  where?: Expression<SqlBool>[];
  /**
   * Whether a target group without records of the report becomes a row of its own (a rep with a
   * target and no sales yet): not when a dashboard narrows the report by owner, department or a
   * cross filter, which the targets are not narrowed by.
   */
  targetOnlyRows?: boolean;
}

/** A dimension resolved to SQL over `r` and the joins it needs. */
export interface CompiledDimension {
  key: string;
  spec: Dimension;
  expr: RawBuilder<unknown>;
  label?: RawBuilder<unknown>;
  kind: string;
  /** Select option keys: the dimension sorts in this order. */
  order?: string[];
  /** What the rows are grouped by when it is not `expr` itself (`expr` is then a function of it, computed once per group). */
  group?: RawBuilder<unknown>;
}

export interface CompiledReport {
  rows: CompiledDimension[];
  columns: CompiledDimension[];
  aggregates: { name: string; spec: AggregateMeasure; expr: RawBuilder<unknown> }[];
  computed: ComputedMeasure[];
  /** FROM … WHERE … over alias `r` with every join. */
  from: RawBuilder<unknown>;
  where: Expression<SqlBool>[];
  columnsOut: ReportColumn[];
  limit: number;
  /** The targets compared with: their own report over the target object, its rows in the dimensions' order. */
  targets?: { compiled: CompiledReport; spec: ReportSpec };
}

type At =
  | { at: 'object'; om: ObjectModel; alias: string; oa?: ObjectAccess }
  | { at: 'user'; expr: RawBuilder<unknown> }
  | { at: 'department'; expr: RawBuilder<unknown> };

const isName = (s: unknown): s is string => typeof s === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(s);

class Compiler {
  readonly problems: Problem[] = [];
  /** Joins by the path that reaches them (`account`, `account.parent`, `owner_id~dept`): each made once. */
  private readonly joins = new Map<string, { alias: string; sql: RawBuilder<unknown> }>();
  readonly baseAccess?: ObjectAccess;

  constructor(private readonly ctx: CompileContext) {
    this.baseAccess = ctx.viewer?.object(ctx.base);
  }

  get timeZone(): string {
    return this.ctx.timeZone;
  }

  private t(table: string): RawBuilder<unknown> {
    return sql`${sql.id(this.ctx.schema, table)}`;
  }

  private join(key: string, make: (alias: string) => RawBuilder<unknown>): string {
    const found = this.joins.get(key);
    if (found) return found.alias;
    const alias = `j${this.joins.size + 1}`;
    this.joins.set(key, { alias, sql: make(alias) });
    return alias;
  }

  /** The records of `om` the reader may read, as a join (lookups to other records go through it). */
  private joinObject(key: string, om: ObjectModel, on: RawBuilder<unknown>): string {
    const oa = this.ctx.viewer?.object(om);
    const scope = oa?.scope('read').predicate;
    return this.join(
      key,
      (a) =>
        sql`left join (select * from ${this.t(om.table)} as r where r.deleted_at is null${scope ? sql` and ${scope}` : sql``}) as ${sql.id(a)} on ${sql.id(a, 'id')} = ${on}`,
    );
  }

  private userName(key: string, expr: RawBuilder<unknown>): RawBuilder<unknown> {
    const a = this.join(`${key}~user`, (a) => sql`left join ${this.t('_user')} as ${sql.id(a)} on ${sql.id(a, 'id')} = ${expr}`);
    return sql`${sql.id(a, 'name')}`;
  }

  private departmentName(key: string, expr: RawBuilder<unknown>): RawBuilder<unknown> {
    const a = this.join(`${key}~deptname`, (a) => sql`left join ${this.t('_department')} as ${sql.id(a)} on ${sql.id(a, 'id')} = ${expr}`);
    return sql`${sql.id(a, 'name')}`;
  }

  private forbidden(path: string, field: string, message: string): void {
    this.problems.push({ code: 'FIELD_FORBIDDEN', path, field, message });
  }

  /**
   * Resolves a path from the base object: the value it reads, what kind, and (for references) the
   * label to show. Every field on the way must be readable by the reader, and every object reached
   * readable at all.
   */
  resolve(path: string, pointer: string, level?: number): Omit<CompiledDimension, 'key' | 'spec'> | undefined {
    if (typeof path !== 'string' || !path || path.length > 300) {
      this.problems.push({ code: 'QUERY_INVALID', path: pointer, message: 'must be a field name or a path (account.region)' });
      return undefined;
    }
    const parts = path.split('.');
    if (parts.length > maxHops + 1) {
      this.problems.push({ code: 'QUERY_INVALID', path: pointer, field: path.slice(0, 100), message: `a path follows at most ${maxHops} lookups` });
      return undefined;
    }
    let at: At = { at: 'object', om: this.ctx.base, alias: 'r', oa: this.baseAccess };
    let prefix = '';
    for (const [i, name] of parts.entries()) {
      const last = i === parts.length - 1;
      prefix = prefix ? `${prefix}.${name}` : name;
      if (at.at === 'department') {
        this.problems.push({ code: 'QUERY_INVALID', path: pointer, field: path.slice(0, 100), message: 'a department has no fields to follow' });
        return undefined;
      }
      if (at.at === 'user') {
        if (name !== 'department') {
          this.problems.push({
            code: 'QUERY_INVALID',
            path: pointer,
            field: path.slice(0, 100),
            message: 'a user is grouped by itself or by its department (owner_id.department)',
          });
          return undefined;
        }
        const userExpr: RawBuilder<unknown> = at.expr;
        const ud = this.join(
          `${prefix}~ud`,
          (a) => sql`left join ${this.t('_user_department')} as ${sql.id(a)} on ${sql.id(a, 'user_id')} = ${userExpr} and ${sql.id(a, 'is_primary')}`,
        );
        at = { at: 'department', expr: sql`${sql.id(ud, 'department_id')}` };
        if (last) return this.department(prefix, at.expr, level, pointer);
        continue;
      }
      const om: ObjectModel = at.om;
      const alias: string = at.alias;
      const oa: ObjectAccess | undefined = at.oa;
      const col = (c: string): RawBuilder<unknown> => sql`${sql.id(alias, c)}`;
      if (systemUser.has(name)) {
        if (last) return this.user(prefix, col(name), level, pointer);
        at = { at: 'user', expr: col(name) };
        continue;
      }
      if (name in systemKinds) {
        if (!last) return this.notLookup(pointer, path, name);
        return { expr: col(name), kind: systemKinds[name] as string };
      }
      const f: FieldModel | undefined = om.byName.get(name);
      if (f?.type.storage !== 'column') {
        this.problems.push({
          code: 'FIELD_NOT_FOUND',
          path: pointer,
          field: path.slice(0, 100),
          message: f ? `"${name}" (${f.field.type}) cannot be grouped on` : `"${om.name}" has no field "${name.slice(0, 100)}"`,
        });
        return undefined;
      }
      if (oa && !oa.readable(f.name)) {
        this.forbidden(pointer, path.slice(0, 100), `you may not read "${name}" of "${om.name}"`);
        return undefined;
      }
      const ref = f.type.reference;
      const target = ref?.toObject ? this.ctx.model.byId.get(f.field.options.target as string) : undefined;
      if (ref?.shape === 'single' && ref.target(f.field) === '_user') {
        if (last) return this.user(prefix, col(f.column), level, pointer);
        at = { at: 'user', expr: col(f.column) };
        continue;
      }
      if (ref?.shape === 'single' && ref.target(f.field) === '_department') {
        if (last) return this.department(prefix, col(f.column), level, pointer);
        at = { at: 'department', expr: col(f.column) };
        continue;
      }
      if (target) {
        const toa = this.ctx.viewer?.object(target);
        if (toa && !toa.grants('read')) {
          this.problems.push({ code: 'FORBIDDEN', path: pointer, field: path.slice(0, 100), message: `you may not read "${target.name}"` });
          return undefined;
        }
        if (last) {
          if (level !== undefined) return this.noLevel(pointer);
          const title = target.byColumn.get(target.def.titleField);
          let label: RawBuilder<unknown> | undefined;
          if (title && (!toa || toa.readable(title.name))) {
            const j = this.joinObject(prefix, target, col(f.column));
            label = sql`${sql.id(j, title.column)}::text`;
          }
          return { expr: col(f.column), kind: 'record', ...(label ? { label } : {}) };
        }
        at = { at: 'object', om: target, alias: this.joinObject(prefix, target, col(f.column)), oa: toa };
        continue;
      }
      if (!last) return this.notLookup(pointer, path, name);
      if (level !== undefined) return this.noLevel(pointer);
      if (!f.kind || f.kind === 'json' || f.kind === 'textList') {
        this.problems.push({ code: 'QUERY_INVALID', path: pointer, field: path.slice(0, 100), message: `a ${f.field.type} field cannot be grouped on` });
        return undefined;
      }
      const order = f.type.valueOrder?.(f.field);
      return { expr: col(f.column), kind: f.kind, ...(order ? { order } : {}) };
    }
    return undefined;
  }

  private notLookup(pointer: string, path: string, name: string): undefined {
    this.problems.push({
      code: 'QUERY_INVALID',
      path: pointer,
      field: path.slice(0, 100),
      message: `"${name.slice(0, 100)}" is not a lookup: nothing to follow`,
    });
    return undefined;
  }

  private noLevel(pointer: string): undefined {
    this.problems.push({
      code: 'QUERY_INVALID',
      path: `${pointer.replace(/\/field$/, '')}/level`,
      message: 'a level needs a department (a department field or owner_id.department)',
    });
    return undefined;
  }

  private user(key: string, expr: RawBuilder<unknown>, level: number | undefined, pointer: string) {
    if (level !== undefined) return this.noLevel(pointer);
    return { expr, kind: 'user', label: this.userName(key, expr) };
  }

  private department(key: string, expr: RawBuilder<unknown>, level: number | undefined, pointer: string) {
    if (level === undefined) return { expr, kind: 'department', label: this.departmentName(key, expr) };
    if (!Number.isInteger(level) || level < 1 || level > 20) {
      this.problems.push({ code: 'QUERY_INVALID', path: `${pointer.replace(/\/field$/, '')}/level`, message: 'must be 1..20 (1 = the top of the tree)' });
      return undefined;
    }
    // Paths are '/top/…/self/': the department at depth `level` is the (level+1)-th part. One above
    // that depth has none: its own records stay with it (its own id).
    const d = this.join(`${key}~dept`, (a) => sql`left join ${this.t('_department')} as ${sql.id(a)} on ${sql.id(a, 'id')} = ${expr}`);
    const at = sql`coalesce(nullif(split_part(${sql.id(d, 'path')}, '/', ${sql.lit(level + 1)}), '')::uuid, ${sql.id(d, 'id')})`;
    return { expr: at, kind: 'department', label: this.departmentName(`${key}@${level}`, at) };
  }

  /**
   * A date bucket in the tenant's time zone, as the period's first day ('YYYY-MM-DD'). Grouped by the
   * truncated timestamp (`group`) and formatted once per group: formatting every row first made
   * grouping by a period 2–3 times slower.
   */
  bucket(expr: RawBuilder<unknown>, kind: string, bucket: string, fiscal: number): { expr: RawBuilder<unknown>; group: RawBuilder<unknown> } {
    const local = kind === 'datetime' ? sql`(${expr} at time zone ${sql.lit(this.ctx.timeZone)})` : sql`${expr}::timestamp`;
    const shift = (bucket === 'quarter' || bucket === 'year') && fiscal !== 1 ? fiscal - 1 : 0;
    const trunc = shift
      ? sql`(date_trunc(${sql.lit(bucket)}, ${local} - interval ${sql.lit(`${shift} months`)}) + interval ${sql.lit(`${shift} months`)})`
      : sql`date_trunc(${sql.lit(bucket)}, ${local})`;
    return { expr: sql`to_char(${trunc}, 'YYYY-MM-DD')`, group: trunc };
  }

  /** Age bands: days from the date to today in the tenant's time zone, as band labels (see Dimension.ageBands). */
  age(expr: RawBuilder<unknown>, kind: string, bands: number[]): { expr: RawBuilder<unknown>; order: string[] } {
    const tz = sql.lit(this.ctx.timeZone);
    const day = kind === 'datetime' ? sql`(${expr} at time zone ${tz})::date` : sql`${expr}`;
    const days = sql`((now() at time zone ${tz})::date - ${day})`;
    const labels = ['not_due', ...bands.map((b, i) => `${i ? (bands[i - 1] as number) + 1 : 1}-${b}`), `>${bands.at(-1)}`];
    // The days are counted once per row: width_bucket gives how many band starts (1, b1+1, …) they reach.
    const starts = [1, ...bands.map((b) => b + 1)];
    return {
      expr: sql`(array[${sql.join(labels.map((l) => sql.lit(l)))}]::text[])[width_bucket(${days}, array[${sql.join(starts.map((b) => sql.lit(b)))}]::int[]) + 1]`,
      order: labels,
    };
  }

  from(): RawBuilder<unknown> {
    const joins = [...this.joins.values()].map((j) => j.sql);
    return sql`${this.t(this.ctx.base.table)} as r${joins.length ? sql` ${sql.join(joins, sql` `)}` : sql``}`;
  }
}

function measureField(c: Compiler, base: ObjectModel, m: AggregateMeasure, pointer: string): RawBuilder<unknown> | undefined {
  if (m.fn === 'count' && m.field === undefined && m.from === undefined && !m.age) return sql`count(*)`;
  const name = m.field;
  if (typeof name !== 'string' || !name) {
    c.problems.push({ code: 'QUERY_INVALID', path: `${pointer}/field`, message: `${m.fn} needs a field` });
    return undefined;
  }
  const f = base.byName.get(name);
  const system = systemKinds[name];
  if (!system && f?.type.storage !== 'column') {
    c.problems.push({
      code: 'FIELD_NOT_FOUND',
      path: `${pointer}/field`,
      field: name.slice(0, 100),
      message: `"${base.name}" has no field "${name.slice(0, 100)}" to measure`,
    });
    return undefined;
  }
  if (f && c.baseAccess && !c.baseAccess.readable(f.name)) {
    c.problems.push({ code: 'FIELD_FORBIDDEN', path: `${pointer}/field`, field: name.slice(0, 100), message: `you may not read "${name}"` });
    return undefined;
  }
  let kind = system ?? f?.kind ?? '';
  let col: RawBuilder<unknown> | ReturnType<typeof sql.ref> = sql.ref(`r.${f ? f.column : name}`);
  if (m.from !== undefined || (m.age !== undefined && m.age !== false)) {
    const days = measureDays(c, base, m, pointer, kind, col);
    if (!days) return undefined;
    col = days;
    kind = 'number';
  }
  if ((m.fn === 'sum' || m.fn === 'avg') && kind !== 'number') {
    c.problems.push({ code: 'QUERY_INVALID', path: `${pointer}/field`, field: name.slice(0, 100), message: `${m.fn} needs a number field` });
    return undefined;
  }
  if ((m.fn === 'min' || m.fn === 'max') && !['number', 'date', 'datetime'].includes(kind)) {
    c.problems.push({ code: 'QUERY_INVALID', path: `${pointer}/field`, field: name.slice(0, 100), message: `${m.fn} needs a number or date field` });
    return undefined;
  }
  if ((m.fn === 'count' || m.fn === 'distinct') && (!kind || kind === 'json' || kind === 'textList')) {
    c.problems.push({ code: 'QUERY_INVALID', path: `${pointer}/field`, field: name.slice(0, 100), message: `a ${f?.field.type} field cannot be counted` });
    return undefined;
  }
  return {
    count: sql`count(${col})`,
    distinct: sql`count(distinct ${col})`,
    sum: sql`sum(${col})`,
    avg: sql`avg(${col})`,
    min: sql`min(${col})`,
    max: sql`max(${col})`,
  }[m.fn];
}

/** A day-counting measure (`from`, `age`): whole days between two dates in the tenant's time zone. */
function measureDays(
  c: Compiler,
  base: ObjectModel,
  m: AggregateMeasure,
  pointer: string,
  kind: string,
  col: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
): RawBuilder<unknown> | undefined {
  const tz = sql.lit(c.timeZone);
  const day = (expr: unknown, k: string) => (k === 'datetime' ? sql`(${expr} at time zone ${tz})::date` : sql`${expr}`);
  const problem = (at: string, message: string) => {
    c.problems.push({ code: 'QUERY_INVALID', path: `${pointer}/${at}`, message });
    return undefined;
  };
  if (m.fn !== 'sum' && m.fn !== 'avg' && m.fn !== 'min' && m.fn !== 'max') return problem('fn', 'days are measured with sum, avg, min or max');
  if (kind !== 'date' && kind !== 'datetime') return problem('field', 'days are counted between dates: a date or datetime field');
  if (m.age !== undefined && m.age !== true) return problem('age', 'must be true or false');
  if (m.from !== undefined && m.age) return problem('age', 'either days from another date (from) or days ago (age)');
  if (m.from === undefined) return sql`((now() at time zone ${tz})::date - ${day(col, kind)})`;
  if (typeof m.from !== 'string') return problem('from', 'must be the name of a date or datetime field');
  const f = base.byName.get(m.from);
  const fromKind = systemKinds[m.from] ?? (f?.type.storage === 'column' ? f.kind : undefined);
  if (fromKind !== 'date' && fromKind !== 'datetime') return problem('from', `"${m.from.slice(0, 100)}" is not a date or datetime field of "${base.name}"`);
  if (f && c.baseAccess && !c.baseAccess.readable(f.name)) {
    c.problems.push({ code: 'FIELD_FORBIDDEN', path: `${pointer}/from`, field: m.from.slice(0, 100), message: `you may not read "${m.from}"` });
    return undefined;
  }
  return sql`(${day(col, kind)} - ${day(sql.ref(`r.${f ? f.column : m.from}`), fromKind)})`;
}

/** Checks a report against the model and the reader's rights and builds its SQL parts. */
export function compileReport(ctx: CompileContext, spec: ReportSpec): CompiledReport {
  const c = new Compiler(ctx);
  const p = c.problems;
  const oa = c.baseAccess;
  if (oa && !oa.grants('read')) throw new AppError('FORBIDDEN', { object: ctx.base.name, action: 'read' });
  if (typeof spec !== 'object' || spec === null) throw AppError.problems('QUERY_INVALID', [{ code: 'QUERY_INVALID', path: '', message: 'must be a report' }]);
  const fiscal = spec.fiscalYearStart ?? 1;
  if (!Number.isInteger(fiscal) || fiscal < 1 || fiscal > 12) p.push({ code: 'QUERY_INVALID', path: '/fiscalYearStart', message: 'must be a month, 1..12' });
  const keys = new Set<string>();
  const dims = (role: 'rows' | 'columns'): CompiledDimension[] => {
    const list = spec[role] ?? [];
    if (!Array.isArray(list) || list.length > maxDimensions) {
      p.push({ code: 'QUERY_INVALID', path: `/${role}`, message: `must be a list of at most ${maxDimensions} dimensions` });
      return [];
    }
    return list.flatMap((d, i) => {
      const pointer = `/${role}/${i}`;
      if (typeof d !== 'object' || d === null) {
        p.push({ code: 'QUERY_INVALID', path: pointer, message: 'must be { field, bucket?, level?, as? }' });
        return [];
      }
      const key = d.as ?? d.field;
      if (d.as !== undefined && !isName(d.as)) p.push({ code: 'QUERY_INVALID', path: `${pointer}/as`, message: 'must be a name' });
      else if (keys.has(key))
        p.push({ code: 'QUERY_INVALID', path: `${pointer}/as`, message: `"${String(key).slice(0, 100)}" is used twice: name one with "as"` });
      keys.add(key);
      if (d.level !== undefined && typeof d.level !== 'number') p.push({ code: 'QUERY_INVALID', path: `${pointer}/level`, message: 'must be 1..20' });
      const r = c.resolve(d.field, `${pointer}/field`, typeof d.level === 'number' ? d.level : undefined);
      if (!r) return [];
      if (d.ageBands !== undefined) {
        const bands = d.ageBands;
        if (
          !Array.isArray(bands) ||
          !bands.length ||
          bands.length > 12 ||
          !bands.every((b, j) => Number.isInteger(b) && b > 0 && b <= 100_000 && (j === 0 || b > (bands[j - 1] as number)))
        ) {
          p.push({ code: 'QUERY_INVALID', path: `${pointer}/ageBands`, message: 'ascending whole numbers of days, at most 12' });
          return [];
        }
        if (d.bucket !== undefined) p.push({ code: 'QUERY_INVALID', path: `${pointer}/bucket`, message: 'either a period or age bands' });
        if (r.kind !== 'date' && r.kind !== 'datetime') {
          p.push({
            code: 'QUERY_INVALID',
            path: `${pointer}/ageBands`,
            field: String(d.field).slice(0, 100),
            message: 'age bands need a date or datetime field',
          });
          return [];
        }
        const { expr, order } = c.age(r.expr, r.kind, bands);
        return [{ key, spec: d, expr, kind: 'text', order }];
      }
      if (d.bucket !== undefined) {
        if (!(dateBuckets as readonly string[]).includes(d.bucket)) {
          p.push({ code: 'QUERY_INVALID', path: `${pointer}/bucket`, message: `one of ${dateBuckets.join(', ')}` });
          return [];
        }
        if (r.kind !== 'date' && r.kind !== 'datetime') {
          p.push({
            code: 'QUERY_INVALID',
            path: `${pointer}/bucket`,
            field: String(d.field).slice(0, 100),
            message: 'a period needs a date or datetime field',
          });
          return [];
        }
        return [{ key, spec: d, ...c.bucket(r.expr, r.kind, d.bucket, fiscal), kind: 'date' }];
      }
      return [{ key, spec: d, ...r }];
    });
  };
  const rows = dims('rows');
  const columns = dims('columns');

  const values = Array.isArray(spec.values) ? spec.values : [];
  if (!values.length || values.length > maxMeasures) p.push({ code: 'QUERY_INVALID', path: '/values', message: `from 1 to ${maxMeasures} measures` });
  const aggregates: CompiledReport['aggregates'] = [];
  const computed: ComputedMeasure[] = [];
  const names = new Set<string>();
  values.forEach((m: Measure, i) => {
    const pointer = `/values/${i}`;
    if (typeof m !== 'object' || m === null || !isName(m.name)) {
      p.push({ code: 'QUERY_INVALID', path: `${pointer}/name`, message: 'every measure has a name' });
      return;
    }
    if (names.has(m.name) || keys.has(m.name)) p.push({ code: 'QUERY_INVALID', path: `${pointer}/name`, message: `"${m.name}" is used twice` });
    names.add(m.name);
    if ((computedFns as readonly string[]).includes(m.fn)) {
      computed.push(m as ComputedMeasure);
      return;
    }
    if (!(aggregateFns as readonly string[]).includes(m.fn)) {
      p.push({ code: 'QUERY_INVALID', path: `${pointer}/fn`, message: `one of ${[...aggregateFns, ...computedFns].join(', ')}` });
      return;
    }
    const am = m as AggregateMeasure;
    const expr = measureField(c, ctx.base, am, pointer);
    if (!expr) return;
    let filtered = expr;
    if (am.filter !== undefined && am.filter !== null) {
      try {
        oa?.assertFilterReadable(am.filter, `${pointer}/filter`);
        filtered = sql`${expr} filter (where ${filterPredicate(ctx.base, am.filter, ctx.variables)})`;
      } catch (e) {
        p.push(...reframe(e, `${pointer}/filter`));
        return;
      }
    }
    aggregates.push({ name: m.name, spec: am, expr: am.fn === 'sum' ? sql`coalesce(${filtered}, 0)` : filtered });
  });
  const targets = compileTargets(ctx, spec, [...rows, ...columns], names, keys, p);
  computed.forEach((m) => {
    const i = values.indexOf(m);
    const of = Array.isArray(m.of) ? m.of : [m.of];
    const arity = m.fn === 'ratio' ? 2 : m.fn === 'rfm' ? 3 : 1;
    if (of.length !== arity || !of.every((n) => typeof n === 'string' && names.has(n) && n !== m.name))
      p.push({
        code: 'QUERY_INVALID',
        path: `/values/${i}/of`,
        message:
          arity === 3
            ? 'three other measures: [recency in days, frequency, monetary]'
            : arity === 2
              ? 'two other measures: [numerator, denominator]'
              : 'the name of another measure',
      });
    if (m.fn === 'change') {
      if (m.compare !== undefined && m.compare !== 'previous' && m.compare !== 'year')
        p.push({ code: 'QUERY_INVALID', path: `/values/${i}/compare`, message: 'previous or year' });
      if (!rows.at(-1)?.spec.bucket)
        p.push({ code: 'QUERY_INVALID', path: `/values/${i}`, message: 'a change needs a period (a date bucket) as the last row dimension' });
    }
  });

  if (spec.subtotals !== undefined && typeof spec.subtotals !== 'boolean' && !(subtotalModes as readonly unknown[]).includes(spec.subtotals))
    p.push({ code: 'QUERY_INVALID', path: '/subtotals', message: `true, false or one of ${subtotalModes.join(', ')}` });
  const limit = spec.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxRows) p.push({ code: 'QUERY_INVALID', path: '/limit', message: `must be 1..${maxRows}` });
  if (spec.top !== undefined) {
    const t = spec.top;
    if (typeof t !== 'object' || t === null || !Number.isInteger(t.n) || t.n < 1 || t.n > 1000)
      p.push({ code: 'QUERY_INVALID', path: '/top/n', message: 'must be 1..1000' });
    else if (!aggregates.some((a) => a.name === t.by))
      p.push({ code: 'QUERY_INVALID', path: '/top/by', message: 'the name of a measure the database computes (not a computed one)' });
    else if (!rows.length) p.push({ code: 'QUERY_INVALID', path: '/top', message: 'top needs a row dimension' });
  }
  for (const [i, s] of (Array.isArray(spec.sort) ? spec.sort : []).entries()) {
    if (!keys.has(s?.by) && !names.has(s?.by)) p.push({ code: 'QUERY_INVALID', path: `/sort/${i}/by`, message: 'a dimension key or a measure name' });
    if (s?.direction !== undefined && s.direction !== 'asc' && s.direction !== 'desc')
      p.push({ code: 'QUERY_INVALID', path: `/sort/${i}/direction`, message: 'asc or desc' });
  }
  if (spec.sort !== undefined && !Array.isArray(spec.sort)) p.push({ code: 'QUERY_INVALID', path: '/sort', message: 'must be a list' });

  const where: Expression<SqlBool>[] = [sql<SqlBool>`r.deleted_at is null`];
  if (spec.filter !== undefined && spec.filter !== null) {
    try {
      oa?.assertFilterReadable(spec.filter, '/filter');
      where.push(filterPredicate(ctx.base, spec.filter, ctx.variables));
    } catch (e) {
      p.push(...reframe(e, '/filter'));
    }
  }
  const forbidden = p.filter((x) => x.code === 'FIELD_FORBIDDEN' || x.code === 'FORBIDDEN');
  if (forbidden.length) throw new AppError('FIELD_FORBIDDEN', { problems: forbidden });
  if (p.length) throw AppError.problems('QUERY_INVALID', p);
  const scope = oa?.scope('read').predicate;
  if (scope) where.push(scope);
  if (ctx.where) where.push(...ctx.where);

  const columnsOut: ReportColumn[] = [
    ...rows.map((d) => dimColumn(d, 'row')),
    ...columns.map((d) => dimColumn(d, 'column')),
    ...values.map((m) => ({
      key: m.name,
      role: 'value' as const,
      kind: m.fn === 'rfm' ? 'rfm' : 'number',
      ...('field' in m && typeof m.field === 'string' ? { field: m.field } : {}),
    })),
    ...(targets ? (spec.targets as ReportTargets).values : []).map((m) => ({
      key: m.name,
      role: 'value' as const,
      kind: 'number',
      ...(typeof m.field === 'string' ? { field: m.field } : {}),
    })),
  ];
  return { rows, columns, aggregates, computed, from: c.from(), where, columnsOut, limit, ...(targets ? { targets } : {}) };
}

/**
 * A report's targets: the same dimensions over the target object (matched by `match`), as a report
 * of their own under the same reader — their problems re-pointed under `/targets`.
 */
function compileTargets(
  ctx: CompileContext,
  spec: ReportSpec,
  dims: CompiledDimension[],
  names: Set<string>,
  keys: Set<string>,
  p: Problem[],
): CompiledReport['targets'] {
  const tg = spec.targets;
  if (tg === undefined) return undefined;
  const invalid = (path: string, message: string) => {
    p.push({ code: 'QUERY_INVALID', path: `/targets${path}`, message });
    return undefined;
  };
  if (typeof tg !== 'object' || tg === null || Array.isArray(tg)) return invalid('', 'must be { object, match, values }');
  if (spec.top !== undefined || (spec.subtotals !== undefined && spec.subtotals !== false))
    return invalid('', 'targets are not compared with top or subtotals');
  const om = typeof tg.object === 'string' ? objectIn(ctx.model, tg.object) : undefined;
  if (!om) return invalid('/object', `no object "${String(tg.object).slice(0, 100)}"`);
  const match = tg.match;
  if (typeof match !== 'object' || match === null || Array.isArray(match)) return invalid('/match', 'must map each dimension key to a field of the target');
  const before = p.length;
  for (const key of Object.keys(match)) if (!dims.some((d) => d.key === key)) invalid(`/match/${key}`, 'not a dimension of this report');
  for (const d of dims) if (typeof match[d.key] !== 'string') invalid('/match', `every dimension is matched: "${d.key}" is not`);
  const values = Array.isArray(tg.values) ? tg.values : [];
  if (!values.length || values.length > 10) invalid('/values', 'from 1 to 10 measures');
  for (const [i, m] of values.entries()) {
    if (typeof m !== 'object' || m === null || !isName(m.name)) {
      invalid(`/values/${i}/name`, 'every measure has a name');
      continue;
    }
    if (!(aggregateFns as readonly string[]).includes(m.fn)) invalid(`/values/${i}/fn`, `one of ${aggregateFns.join(', ')}`);
    if (names.has(m.name) || keys.has(m.name)) invalid(`/values/${i}/name`, `"${m.name}" is used twice`);
    names.add(m.name);
  }
  if (p.length > before) return undefined;
  const targetSpec: ReportSpec = {
    object: om.id,
    ...(tg.filter !== undefined ? { filter: tg.filter } : {}),
    rows: dims.map(({ spec: d }, i) => ({ ...d, field: match[dims[i]?.key as string] as string, as: `t${i}` })),
    values,
    ...(spec.fiscalYearStart !== undefined ? { fiscalYearStart: spec.fiscalYearStart } : {}),
    limit: maxRows,
  };
  const keyOf = dims.map((d) => d.key);
  try {
    return { compiled: compileReport({ ...ctx, base: om, where: undefined }, targetSpec), spec: targetSpec };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const inner = (e.details?.problems as Problem[] | undefined) ?? [{ code: e.code, path: '', message: e.message }];
    for (const x of inner) {
      const at = /^\/rows\/(\d+)(.*)$/.exec(x.path ?? '');
      const path = at ? `/match/${keyOf[Number(at[1])]}${at[2]?.replace(/^\/field$/, '')}` : (x.path ?? '');
      p.push({ ...x, code: e.code === 'FORBIDDEN' ? 'FORBIDDEN' : x.code, path: `/targets${path}` });
    }
    return undefined;
  }
}

function dimColumn(d: CompiledDimension, role: 'row' | 'column'): ReportColumn {
  return { key: d.key, role, kind: d.kind, field: d.spec.field, ...(d.spec.bucket ? { bucket: d.spec.bucket } : {}), ...(d.label ? { labelled: true } : {}) };
}

/** A filter's refusal, re-pointed at where it sits in the report. */
function reframe(e: unknown, pointer: string): Problem[] {
  if (e instanceof AppError) {
    const problems = (e.details?.problems as Problem[] | undefined) ?? [{ code: e.code, path: pointer, message: e.message }];
    return problems.map((x) => {
      if (x.path?.startsWith(pointer)) return x;
      const rel = !x.path || x.path === '/' ? '' : x.path.startsWith('/filter') ? x.path.slice('/filter'.length) : x.path;
      return { ...x, path: `${pointer}${rel}` };
    });
  }
  throw e;
}
