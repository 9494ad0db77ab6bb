import { useQuery } from '@tanstack/react-query';
import { Alert, Card } from 'antd';
import { useRef, useState } from 'react';
import type { DashboardFilterValues, ReportResult, ReportView } from '../../api/reports';
import { reportQueries } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { ErrorBox, Loading } from '../loading';
import { measureFormat } from './chart-views';
import { DrillDrawer } from './drill-drawer';
import { PivotTable } from './pivot-table';
import { useReportPivot } from './use-report-pivot';
import { WidgetMenu } from './widget-menu';

/**
 * A report's result drawn by its chart type, with its numbers in a table under a chart; `onDrill`
 * gets the clicked cell's dimension values and the labels naming it.
 */
export function ReportChart(props: {
  tenant: string;
  report: ReportView;
  result: ReportResult;
  title: string;
  onDrill(cell: Record<string, unknown>, text: string): void;
}) {
  const { tenant, report, result, title, onDrill } = props;
  const { t } = useI18n();
  const { kind, pivot, rowDims, dimensionLabel, measureLabel } = useReportPivot(tenant, report, result);
  // The drawer names the cell by the labels of the headings it lies under.
  const cellText = (cell: Record<string, unknown>) =>
    [...pivot.rows, ...pivot.cols]
      .filter((a) => Object.keys(a.cell).length && Object.entries(a.cell).every(([k, v]) => cell[k] === v))
      .map((a) => a.labels.join(' / '))
      .join(' · ');
  const view = {
    report,
    title,
    pivot,
    rowDims,
    dimensionLabel,
    measureLabel,
    onDrill: (cell: Record<string, unknown>) => onDrill(cell, cellText(cell)),
  };
  return (
    <>
      {result.truncated && <Alert type="warning" showIcon message={t('report.truncated')} style={{ marginBottom: 8 }} />}
      <div style={{ flex: 1, minHeight: kind.data ? 180 : undefined }}>
        <kind.View {...view} />
      </div>
      {kind.data && (
        <details style={{ marginTop: 8 }}>
          <summary style={{ cursor: 'pointer', color: '#1668dc' }}>{t('report.data')}</summary>
          <PivotTable {...view} caption={title} measureFormat={measureFormat(report)} />
        </details>
      )}
    </>
  );
}

/**
 * One dashboard widget: runs its report with the dashboard's filters and draws it by the report's
 * chart type; a click on a bar, slice, step or cell opens the records behind it.
 */
export function ReportWidget({ tenant, report, title, filters }: { tenant: string; report: ReportView; title: string; filters: DashboardFilterValues }) {
  const { t } = useI18n();
  const run = useQuery(reportQueries.run(tenant, report.name, filters));
  const [drill, setDrill] = useState<{ cell: Record<string, unknown>; text: string } | null>(null);
  const host = useRef<HTMLDivElement>(null);
  return (
    <Card
      ref={host}
      size="small"
      title={title}
      extra={run.data && <WidgetMenu tenant={tenant} report={report} result={run.data} title={title} host={host} />}
      data-widget={report.name}
      style={{ height: '100%', display: 'flex', flexDirection: 'column' }}
      styles={{ body: { flex: 1, minHeight: 0, overflow: 'auto', display: 'flex', flexDirection: 'column' } }}
    >
      {run.error ? (
        <ErrorBox error={run.error} />
      ) : !run.data ? (
        <Loading />
      ) : (
        <ReportChart tenant={tenant} report={report} result={run.data} title={title} onDrill={(cell, text) => setDrill({ cell, text })} />
      )}
      {drill && (
        <DrillDrawer
          tenant={tenant}
          report={report}
          filters={filters}
          cell={drill.cell}
          title={t('report.drillTitle', { title, cell: drill.text })}
          onClose={() => setDrill(null)}
        />
      )}
    </Card>
  );
}
