import { AppError } from '@tangram/errors';
import type { Db } from '../db/database';
import type { Model, ObjectModel } from '../model/compile';
import type { QueryOptions, QueryResult } from '../query/query';
import type { ActionContext } from '../records/context';
import type { RecordService } from '../records/service';
import type { CompileContext } from './compile';
import { drillPredicate, runReport } from './run';
import type { ReportResult, ReportSpec } from './spec';

export interface ReportServiceOptions {
  db: Db;
  schema: string;
  model: () => Promise<Model>;
  records: RecordService;
  timeZone?: string;
}

/** What a drill-down lists: a page of the records behind one cell. */
export interface DrillOptions extends Pick<QueryOptions, 'sort' | 'limit' | 'after' | 'fields' | 'count'> {
  /** The cell's dimension values by key; a dimension left out is a subtotal over all its values. */
  cell: Record<string, unknown>;
  /** A measure with its own filter: only the records it measured. */
  measure?: string;
}

/**
 * Reports for a tenant: a report (ad-hoc from the builder, or published) runs as one SQL statement
 * under the reader's access, and a cell of it drills down to its records.
 */
export class ReportService {
  constructor(private readonly opts: ReportServiceOptions) {}

  private async context(spec: ReportSpec, ctx: ActionContext): Promise<CompileContext> {
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
      ...(viewer ? { viewer, variables: viewer.variables() } : { variables: {} }),
    };
  }

  /** Runs a report as the caller: their read scope, and refused if it names a field they may not read. */
  async query(spec: ReportSpec, ctx: ActionContext = {}): Promise<ReportResult> {
    return runReport(this.opts.db, await this.context(spec, ctx), spec);
  }

  /** The records behind one cell (bar, slice, pivot cell), within the caller's read scope. */
  async drill(spec: ReportSpec, drill: DrillOptions, ctx: ActionContext = {}): Promise<QueryResult> {
    const c = await this.context(spec, ctx);
    const scope = drillPredicate(c, spec, drill?.cell, drill?.measure);
    const { cell: _cell, measure: _measure, ...list } = drill;
    return this.opts.records.query(c.base.name, { ...list, scope }, ctx);
  }
}

/** An object of the model by name or id. */
export function objectIn(model: Model, ref: unknown): ObjectModel | undefined {
  if (typeof ref !== 'string') return undefined;
  return model.byName.get(ref) ?? model.byId.get(ref);
}
