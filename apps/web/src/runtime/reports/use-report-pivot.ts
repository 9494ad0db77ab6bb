import type { ReportResult, ReportView } from '../../api/reports';
import { chartViews } from './chart-views';
import { pivotOf } from './pivot';
import { useCellLabel, useDimensionLabel, useMeasureLabel } from './report-labels';

/** A table chart lists every group on a row: its column dimensions are read as row dimensions. */
const flattened = (r: ReportResult): ReportResult => ({ ...r, columns: r.columns.map((c) => (c.role === 'column' ? { ...c, role: 'row' } : c)) });

/** A report's result pivoted as its chart type draws it, with the labels of its headings and measures. */
export function useReportPivot(tenant: string, report: ReportView, result: ReportResult) {
  const cellLabel = useCellLabel(tenant, report);
  const dimensionLabel = useDimensionLabel(tenant, report);
  const measureLabel = useMeasureLabel(report);
  const kind = chartViews[report.chart?.type ?? 'table'] ?? chartViews.table;
  const data = kind.flat ? flattened(result) : result;
  return { kind, pivot: pivotOf(data, cellLabel), rowDims: data.columns.filter((c) => c.role === 'row'), dimensionLabel, measureLabel };
}
