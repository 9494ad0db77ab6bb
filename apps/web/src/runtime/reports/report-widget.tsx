import { useQuery } from '@tanstack/react-query';
import { Alert, Card } from 'antd';
import { useMemo, useState } from 'react';
import type { DashboardFilterValues, ReportResult, ReportView } from '../../api/reports';
import { reportQueries } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { ErrorBox, Loading } from '../loading';
import { chartViews, measureFormat } from './chart-views';
import { DrillDrawer } from './drill-drawer';
import { pivotOf } from './pivot';
import { PivotTable } from './pivot-table';
import { useCellLabel, useDimensionLabel, useMeasureLabel } from './report-labels';

/** A table chart lists every group on a row: its column dimensions are read as row dimensions. */
const flattened = (r: ReportResult): ReportResult => ({ ...r, columns: r.columns.map((c) => (c.role === 'column' ? { ...c, role: 'row' } : c)) });

/**
 * One dashboard widget: runs its report with the dashboard's filters and draws it by the report's
 * chart type; a click on a bar, slice, step or cell opens the records behind it.
 */
export function ReportWidget({ tenant, report, title, filters }: { tenant: string; report: ReportView; title: string; filters: DashboardFilterValues }) {
  const { t } = useI18n();
  const run = useQuery(reportQueries.run(tenant, report.name, filters));
  const cellLabel = useCellLabel(tenant, report);
  const dimensionLabel = useDimensionLabel(tenant, report);
  const measureLabel = useMeasureLabel(report);
  const [drill, setDrill] = useState<Record<string, unknown> | null>(null);
  const kind = chartViews[report.chart?.type ?? 'table'] ?? chartViews.table;
  const data = run.data;
  const pivot = useMemo(() => (data ? pivotOf(kind.flat ? flattened(data) : data, cellLabel) : undefined), [data, kind.flat, cellLabel]);
  const rowDims = (data ? (kind.flat ? flattened(data) : data).columns : []).filter((c) => c.role === 'row');
  const props = { report, title, rowDims, dimensionLabel, measureLabel, onDrill: setDrill };
  // The drawer names the cell by the labels of the headings it lies under.
  const cellText = (cell: Record<string, unknown>) =>
    [...(pivot?.rows ?? []), ...(pivot?.cols ?? [])]
      .filter((a) => Object.keys(a.cell).length && Object.entries(a.cell).every(([k, v]) => cell[k] === v))
      .map((a) => a.labels.join(' / '))
      .join(' · ');
  return (
    <Card
      size="small"
      title={title}
      data-widget={report.name}
      style={{ height: '100%', display: 'flex', flexDirection: 'column' }}
      styles={{ body: { flex: 1, minHeight: 0, overflow: 'auto', display: 'flex', flexDirection: 'column' } }}
    >
      {run.error ? (
        <ErrorBox error={run.error} />
      ) : !pivot ? (
        <Loading />
      ) : (
        <>
          {data?.truncated && <Alert type="warning" showIcon message={t('report.truncated')} style={{ marginBottom: 8 }} />}
          <div style={{ flex: 1, minHeight: kind.data ? 180 : undefined }}>
            <kind.View {...props} pivot={pivot} />
          </div>
          {kind.data && (
            <details style={{ marginTop: 8 }}>
              <summary style={{ cursor: 'pointer', color: '#1668dc' }}>{t('report.data')}</summary>
              <PivotTable {...props} pivot={pivot} caption={title} measureFormat={measureFormat(report)} />
            </details>
          )}
        </>
      )}
      {drill && (
        <DrillDrawer
          tenant={tenant}
          report={report}
          filters={filters}
          cell={drill}
          title={t('report.drillTitle', { title, cell: cellText(drill) })}
          onClose={() => setDrill(null)}
        />
      )}
    </Card>
  );
}
