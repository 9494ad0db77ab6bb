import { useMetadata } from '../../api/metadata';
import type { ReportColumn, ReportResult, ReportView } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { optionsOf } from '../../widgets/select';
import { chartViews } from './chart-views';
import { naturalOrder, type PivotOrder, pivotOf } from './pivot';
import { fieldAt, useCellLabel, useDimensionLabel, useMeasureLabel, withRfmLabels } from './report-labels';

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
  const app = useMetadata(tenant).data?.metadata;
  const kind = chartViews[report.chart?.type ?? 'table'] ?? chartViews.table;
  const data = withRfmLabels(kind.flat ? flattened(result) : result, (key) => t(`report.rfm.${key}` as never));
  const optionRank = (d: ReportColumn, v: unknown) => {
    const field = d.field ? fieldAt(app, report.objectName, d.field) : undefined;
    const i = field ? optionsOf(field).findIndex((o) => o.key === v) : -1;
    return i < 0 ? undefined : i;
  };
  const pivot = pivotOf(data, cellLabel, t('report.total'), pivotOrder(report, data, optionRank));
  return { kind, pivot, rowDims: data.columns.filter((c) => c.role === 'row'), dimensionLabel, measureLabel };
}

/**
 * A pivot sorted by something other than its column dimensions keeps its columns in their natural
 * order; sorted by a measure, its rows go by their totals (the server sorts the cells).
 */
function pivotOrder(report: ReportView, data: ReportResult, rank: (d: ReportColumn, v: unknown) => number | undefined): PivotOrder {
  const colDims = data.columns.filter((c) => c.role === 'column');
  const first = report.sort?.[0];
  if (!colDims.length || !first || colDims.some((d) => d.key === first.by)) return {};
  const byMeasure = report.values.some((v) => v.name === first.by);
  return { cols: naturalOrder(colDims, rank), ...(byMeasure ? { rowsBy: { measure: first.by, direction: first.direction ?? 'asc' } } : {}) };
}
