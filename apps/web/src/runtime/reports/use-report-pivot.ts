import type { ReportResult, ReportView } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { chartViews } from './chart-views';
import { pivotOf } from './pivot';
import { useCellLabel, useDimensionLabel, useMeasureLabel } from './report-labels';

/**
 * A table chart lists every group on a row: its column dimensions are read as row dimensions (a
 * table has no columns to total across, so column totals are left out).
 */
const flattened = (r: ReportResult): ReportResult => ({
  ...r,
  columns: r.columns.map((c) => (c.role === 'column' ? { ...c, role: 'row' } : c)),
  rows: r.rows.filter((row) => !row.$colSubtotal),
});

/** A report's result pivoted as its chart type draws it, with the labels of its headings and measures. */
export function useReportPivot(tenant: string, report: ReportView, result: ReportResult) {
  const cellLabel = useCellLabel(tenant, report);
  const dimensionLabel = useDimensionLabel(tenant, report);
  const measureLabel = useMeasureLabel(report);
  const { t } = useI18n();
  const kind = chartViews[report.chart?.type ?? 'table'] ?? chartViews.table;
  const data = kind.flat ? flattened(result) : result;
  return { kind, pivot: pivotOf(data, cellLabel, t('report.total')), rowDims: data.columns.filter((c) => c.role === 'row'), dimensionLabel, measureLabel };
}
