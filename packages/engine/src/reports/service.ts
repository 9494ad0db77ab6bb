import { AppError } from '@tangram/errors';
import type { Dashboard, Report } from '@tangram/metadata';
import { type Expression, type SqlBool, sql } from 'kysely';
import { specOf } from './published';
import type { Db } from '../db/database';
import { type Model, objectIn } from '../model/compile';
import type { QueryOptions, QueryResult } from '../query/query';
import type { ActionContext } from '../access/context';
import type { CompileContext } from './compile';
import { ReportCache, drillPredicate, runReport } from './run';
import type { ReportResult, ReportSpec } from './spec';

export interface ReportServiceOptions {
  db: Db;
  schema: string;
  model: () => Promise<Model>;
  /** Lists records (the record service): a drill-down is a list query with the cell's predicate. */
  records: { query(object: string, opts: QueryOptions, ctx: ActionContext): Promise<QueryResult> };
  timeZone?: string;
}

/** What a drill-down lists: a page of the records behind one cell. */
export interface DrillOptions extends Pick<QueryOptions, 'sort' | 'limit' | 'after' | 'fields' | 'count'> {
  /** The cell's dimension values by key; a dimension left out is a subtotal over all its values. */
  cell: Record<string, unknown>;
  /** A measure with its own filter: only the records it measured. */
  measure?: string;
}

/** Dashboard filters: a period over each report's date field, an owner, a department and everything below it. */
export interface DashboardFilterValues {
  /** Days 'YYYY-MM-DD', `to` exclusive. */
  period?: { from?: string; to?: string };
  owner?: string;
  department?: string;
  /**
   * A cross filter: a cell clicked in another widget (a published report and its dimension values
   * by key). Applies to reports over the same object — their records that the cell counts — and is
   * reported as not applied (`crossFiltered: false`) to the others.
   */
  cross?: { report: string; cell: Record<string, unknown> };
}

/** A published report narrowed by a dashboard's filters: rules on its spec, and the cross filter as SQL. */
interface Filtered {
  spec: ReportSpec;
  where?: Expression<SqlBool>[];
  crossFiltered?: boolean;
  /** An owner or department filter narrows the report but not its targets: no rows for targets alone. */
  narrowed?: boolean;
}

/** A published report as a member sees it (its definition, labels and chart). */
export type ReportView = Report & { objectName: string };

/**
 * Reports for a tenant: a report (ad-hoc from the builder, or published) runs as one SQL statement
 * under the reader's access, and a cell of it drills down to its records.
 */
export class ReportService {
  /** Results by statement and database snapshot (see ReportCache): a dashboard opened again without a change since is not computed again. */
  readonly cache = new ReportCache();
  constructor(private readonly opts: ReportServiceOptions) {}

  private async context(spec: ReportSpec, ctx: ActionContext, where?: Expression<SqlBool>[], narrowed?: boolean): Promise<CompileContext> {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
      throw AppError.problems('QUERY_INVALID', [{ code: 'QUERY_INVALID', path: '', message: 'must be a report: { object, rows, columns, values }' }]);
    const model = await this.opts.model();
    const base = objectIn(model, spec.object);
    if (!base) throw new AppError('OBJECT_NOT_FOUND', { object: String(spec.object).slice(0, 100) });
    const viewer = ctx.access;
    return {
      schema: this.opts.schema,
      model,
      base,
      timeZone: this.opts.timeZone ?? 'Asia/Shanghai',
      ...(where?.length ? { where } : {}),
      ...(narrowed ? { targetOnlyRows: false } : {}),
      ...(viewer ? { viewer, variables: viewer.variables() } : { variables: {} }),
    };
  }

  /** The published reports the caller may run (those over objects they may read). */
  async list(ctx: ActionContext = {}): Promise<ReportView[]> {
    const model = await this.opts.model();
    return model.app.reports.flatMap((r) => {
      const om = model.byId.get(r.object);
      if (!om || (ctx.access && !ctx.access.object(om).grants('read'))) return [];
      return [{ ...r, objectName: om.name }];
    });
  }

  /** One published report (by name or id), if the caller may read its object. */
  async report(name: string, ctx: ActionContext = {}): Promise<ReportView> {
    const found = (await this.list(ctx)).find((r) => r.name === name || r.id === name);
    if (!found) throw new AppError('REPORT_NOT_FOUND', { report: String(name).slice(0, 100) });
    return found;
  }

  /** Runs a published report as the caller, narrowed by a dashboard's filters. */
  async run(name: string, filters: DashboardFilterValues = {}, ctx: ActionContext = {}): Promise<ReportResult> {
    const f = await this.filtered(name, filters, ctx);
    const result = await runReport(this.opts.db, await this.context(f.spec, ctx, f.where, f.narrowed), f.spec, this.cache);
    return f.crossFiltered === undefined ? result : { ...result, crossFiltered: f.crossFiltered };
  }

  /** The records behind a cell of a published report (dashboard filters applied as when it ran). */
  async drillReport(name: string, filters: DashboardFilterValues, drill: DrillOptions, ctx: ActionContext = {}): Promise<QueryResult> {
    const f = await this.filtered(name, filters, ctx);
    return this.drillIn(await this.context(f.spec, ctx, f.where, f.narrowed), f.spec, drill, ctx);
  }

  /** A published report's spec with a dashboard's filters added to its own, and its cross filter. */
  private async filtered(name: string, filters: DashboardFilterValues, ctx: ActionContext): Promise<Filtered> {
    const r = await this.report(name, ctx);
    const spec = specOf(r);
    const extra = await this.filterRules(r.object, r.dateField ?? 'created_at', filters);
    if (extra.length) spec.filter = { and: [...(spec.filter !== undefined ? [spec.filter] : []), ...extra] };
    // The period narrows the targets by their own date; an owner or a department does not narrow them.
    const narrowed = filters?.owner !== undefined || filters?.department !== undefined;
    if (spec.targets?.dateField && filters?.period !== undefined) {
      const rules = await this.filterRules(spec.targets.object, spec.targets.dateField, { period: filters.period });
      if (rules.length) spec.targets = { ...spec.targets, filter: { and: [...(spec.targets.filter !== undefined ? [spec.targets.filter] : []), ...rules] } };
    }
    if (filters?.cross === undefined) return { spec, narrowed };
    const cross = filters.cross;
    if (typeof cross !== 'object' || cross === null || typeof cross.report !== 'string')
      throw invalidFilter('/cross', 'must be { report, cell }: a published report and the dimension values of its clicked cell');
    const source = await this.report(cross.report, ctx);
    if (source.object !== r.object) return { spec, crossFiltered: false, narrowed };
    // The clicked cell's records by its dimensions only: the source's own filter is not this report's.
    const sourceSpec = specOf(source);
    const where = drillPredicate(await this.context(sourceSpec, ctx), sourceSpec, cross.cell, undefined, 'dimensions', '/filters/cross/cell');
    return { spec, where: [where], crossFiltered: true, narrowed };
  }

  /** A dashboard's filters as rules over an object: its date field in the period, the owner, the department and below. */
  private async filterRules(object: string, dateField: string, f: DashboardFilterValues): Promise<unknown[]> {
    if (typeof f !== 'object' || f === null) throw invalidFilter('', 'must be an object');
    const rules: unknown[] = [];
    const day = /^\d{4}-\d\d-\d\d$/;
    // A datetime field's day starts at midnight in the tenant's time zone, not in UTC.
    const field = objectIn(await this.opts.model(), object)?.byName.get(dateField);
    const instant = dateField === 'created_at' || dateField === 'updated_at' || field?.type.temporal === 'instant';
    if (f.period !== undefined) {
      if (typeof f.period !== 'object' || f.period === null) throw invalidFilter('/period', 'must be { from, to }');
      for (const key of ['from', 'to'] as const) {
        const v = f.period[key];
        if (v === undefined) continue;
        if (typeof v !== 'string' || !day.test(v) || Number.isNaN(Date.parse(v))) throw invalidFilter(`/period/${key}`, 'must be a day, YYYY-MM-DD');
        rules.push({ [key === 'from' ? '>=' : '<']: [{ var: dateField }, instant ? zonedMidnight(v, this.opts.timeZone ?? 'Asia/Shanghai') : v] });
      }
    }
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (f.owner !== undefined) {
      if (typeof f.owner !== 'string' || !uuid.test(f.owner)) throw invalidFilter('/owner', 'must be a user id');
      rules.push({ '==': [{ var: 'owner_id' }, f.owner] });
    }
    if (f.department !== undefined) {
      if (typeof f.department !== 'string' || !uuid.test(f.department)) throw invalidFilter('/department', 'must be a department id');
      const rows = await sql<{ user_id: string }>`select distinct ud.user_id from ${sql.id(this.opts.schema, '_user_department')} ud
        join ${sql.id(this.opts.schema, '_department')} d on d.id = ud.department_id
        join ${sql.id(this.opts.schema, '_department')} top on top.id = ${f.department}::uuid and d.path like top.path || '%'`.execute(this.opts.db);
      rules.push({ in: [{ var: 'owner_id' }, rows.rows.map((x) => x.user_id)] });
    }
    return rules;
  }

  /** The dashboards the caller sees: those for one of their roles or for everyone, with a widget they may run. */
  async dashboards(ctx: ActionContext = {}): Promise<Dashboard[]> {
    const model = await this.opts.model();
    const runnable = new Set((await this.list(ctx)).map((r) => r.id));
    const roles = new Set(ctx.access?.viewer.roles.map((r) => r.name) ?? []);
    return model.app.dashboards.filter(
      (d) => (!ctx.access || !d.roles.length || d.roles.some((r) => roles.has(r))) && d.widgets.some((w) => runnable.has(w.report)),
    );
  }

  /** One dashboard with the reports of the widgets the caller may run (the others are left out). */
  async dashboard(name: string, ctx: ActionContext = {}): Promise<{ dashboard: Dashboard; reports: ReportView[] }> {
    const d = (await this.dashboards(ctx)).find((x) => x.name === name || x.id === name);
    if (!d) throw new AppError('DASHBOARD_NOT_FOUND', { dashboard: String(name).slice(0, 100) });
    const reports = await this.list(ctx);
    const byId = new Map(reports.map((r) => [r.id, r]));
    return {
      dashboard: { ...d, widgets: d.widgets.filter((w) => byId.has(w.report)) },
      reports: [...new Set(d.widgets.map((w) => w.report))].flatMap((id) => (byId.has(id) ? [byId.get(id) as ReportView] : [])),
    };
  }

  /** Runs a report as the caller: their read scope, and refused if it names a field they may not read. */
  async query(spec: ReportSpec, ctx: ActionContext = {}): Promise<ReportResult> {
    return runReport(this.opts.db, await this.context(spec, ctx), spec, this.cache);
  }

  /** The records behind one cell (bar, slice, pivot cell), within the caller's read scope. */
  async drill(spec: ReportSpec, drill: DrillOptions, ctx: ActionContext = {}): Promise<QueryResult> {
    return this.drillIn(await this.context(spec, ctx), spec, drill, ctx);
  }

  private async drillIn(c: CompileContext, spec: ReportSpec, drill: DrillOptions, ctx: ActionContext): Promise<QueryResult> {
    const scope = drillPredicate(c, spec, drill?.cell, drill?.measure);
    const { cell: _cell, measure: _measure, ...list } = drill;
    return this.opts.records.query(c.base.name, { ...list, scope }, ctx);
  }
}

/** The instant a day begins in a time zone, as ISO-8601 UTC: '2026-01-01' in Asia/Shanghai → '2025-12-31T16:00:00.000Z'. */
export function zonedMidnight(day: string, timeZone: string): string {
  const utc = Date.parse(`${day}T00:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utc));
  const part = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const offset = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - utc;
  return new Date(utc - offset).toISOString();
}

function invalidFilter(path: string, message: string): AppError {
  return AppError.problems('QUERY_INVALID', [{ code: 'QUERY_INVALID', path: `/filters${path}`, message }]);
}
