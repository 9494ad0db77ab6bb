import { AppError, type Problem } from '@tangram/errors';
import type { Report, ResolvedApp } from '@tangram/metadata';
import { compileModel } from '../model/compile';
import { compileReport } from './compile';
import type { ReportSpec, ReportTargets } from './spec';

/** What a published report asks the engine: its dataset, dimensions and measures (not its chart or labels). */
export function specOf(r: Report): ReportSpec {
  const dim = ({ label: _label, ...d }: Report['rows'][number]) => d;
  const spec: ReportSpec = {
    object: r.object,
    rows: r.rows.map(dim),
    columns: r.columns.map(dim),
    values: r.values.map(({ label: _label, format: _format, ...m }) => m) as ReportSpec['values'],
  };
  for (const key of ['filter', 'sort', 'top', 'subtotals', 'fiscalYearStart', 'limit'] as const)
    if (r[key] !== undefined) (spec as unknown as Record<string, unknown>)[key] = r[key];
  if (r.targets) {
    const { values, ...targets } = r.targets;
    spec.targets = { ...targets, values: values.map(({ label: _label, format: _format, ...m }) => m) as ReportTargets['values'] };
  }
  return spec;
}

/**
 * Checks every report of an app against the app's own model, as publish does: a path that does
 * not exist, a measure over a text field, a filter over an unknown field is METADATA_INVALID at
 * `/reports/<i>/…`, and nothing is published. Rights are not checked here: each reader's are
 * checked when they run it.
 */
export function checkReports(app: ResolvedApp): void {
  if (!app.reports?.length) return;
  const model = compileModel(app, 0);
  const problems: Problem[] = [];
  app.reports.forEach((r, i) => {
    const base = model.byId.get(r.object);
    if (!base) return; // normalize reported the object
    try {
      compileReport({ schema: 'check', model, base, timeZone: 'UTC', variables: {} }, specOf(r));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const inner = (e.details.problems as Problem[] | undefined) ?? [{ code: e.code, message: e.message }];
      problems.push(...inner.map((p) => ({ ...p, code: 'METADATA_INVALID' as const, path: `/reports/${i}${p.path ?? ''}` })));
    }
    if (r.dateField !== undefined && !['created_at', 'updated_at'].includes(r.dateField)) {
      const f = base.byName.get(r.dateField);
      if (!f?.type.temporal)
        problems.push({ code: 'METADATA_INVALID', path: `/reports/${i}/dateField`, message: 'a date or datetime field of the report object' });
    }
    const targetObject = r.targets ? model.byId.get(r.targets.object) : undefined;
    if (r.targets?.dateField !== undefined && targetObject && !['created_at', 'updated_at'].includes(r.targets.dateField)) {
      if (!targetObject.byName.get(r.targets.dateField)?.type.temporal)
        problems.push({ code: 'METADATA_INVALID', path: `/reports/${i}/targets/dateField`, message: 'a date or datetime field of the target object' });
    }
    const names = new Set([...r.values, ...(r.targets?.values ?? [])].map((m) => m.name));
    for (const key of ['target', 'compare'] as const) {
      const v = r.chart[key];
      if (typeof v === 'string' && !names.has(v))
        problems.push({ code: 'METADATA_INVALID', path: `/reports/${i}/chart/${key}`, message: 'the name of one of its measures' });
    }
  });
  if (problems.length) throw AppError.problems('METADATA_INVALID', problems);
}
