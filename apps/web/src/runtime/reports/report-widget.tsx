import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Space, Tag } from 'antd';
import { useRef } from 'react';
import type { DashboardFilterValues, ReportResult, ReportView } from '../../api/reports';
import { reportQueries } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { ErrorBox, Loading } from '../loading';
import { measureFormat } from './chart-views';
import { cellParts } from './pivot';
import { PivotTable } from './pivot-table';
import { useReportPivot } from './use-report-pivot';
import { WidgetMenu } from './widget-menu';

/** A clicked cell as it reads: each dimension's heading and the value's label (`区域` = `华东`). */
export type CellText = { dimension: string; value: string }[];

/**
 * A report's result drawn by its chart type, with its numbers in a table under a chart; `onCell`
 * gets a clicked cell's dimension values and the labels naming them; `selected` is drawn highlighted.
 */
export function ReportChart(props: {
  tenant: string;
  report: ReportView;
  result: ReportResult;
  title: string;
  selected?: Record<string, unknown> | null;
  onCell(cell: Record<string, unknown>, text: CellText): void;
}) {
  const { tenant, report, result, title, selected, onCell } = props;
  const { t } = useI18n();
  const { kind, pivot, rowDims, dimensionLabel, measureLabel } = useReportPivot(tenant, report, result);
  const columnOf = (key: string) => result.columns.find((c) => c.key === key);
  const cellText = (cell: Record<string, unknown>): CellText =>
    cellParts(pivot, cell).map((p) => {
      const column = columnOf(p.key);
      return { dimension: column ? dimensionLabel(column) : p.key, value: p.label };
    });
  const view = {
    report,
    title,
    pivot,
    rowDims,
    dimensionLabel,
    measureLabel,
    selected,
    onCell: (cell: Record<string, unknown>) => onCell(cell, cellText(cell)),
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
 * One dashboard widget: runs its report with the dashboard's filters (a cross filter from another
 * widget among them) and draws it by the report's chart type. Under a cross filter its header says
 * whether the filter applied (已联动) or could not (未联动: a report over another object).
 */
export function ReportWidget(props: {
  tenant: string;
  report: ReportView;
  title: string;
  filters: DashboardFilterValues;
  /** The cell of this widget that is the dashboard's cross filter. */
  selected?: Record<string, unknown> | null;
  onCell(cell: Record<string, unknown>, text: CellText): void;
}) {
  const { tenant, report, title, filters, selected, onCell } = props;
  const { t } = useI18n();
  const run = useQuery(reportQueries.run(tenant, report.name, filters));
  const host = useRef<HTMLDivElement>(null);
  // While another cross filter's result loads, the previous result shows: mark it by what it ran with.
  const crossed = filters.cross && !run.isPlaceholderData ? run.data?.crossFiltered : undefined;
  return (
    <Card
      ref={host}
      size="small"
      title={title}
      extra={
        <Space size={4}>
          {crossed === true && (
            <Tag color="blue" data-testid="cross-applied">
              {t('dashboard.crossApplied')}
            </Tag>
          )}
          {crossed === false && <Tag data-testid="cross-not-applied">{t('dashboard.crossNotApplied')}</Tag>}
          {run.data && <WidgetMenu tenant={tenant} report={report} result={run.data} title={title} host={host} />}
        </Space>
      }
      data-widget={report.name}
      data-crossed={crossed === undefined ? undefined : String(crossed)}
      style={{ height: '100%', display: 'flex', flexDirection: 'column' }}
      styles={{ body: { flex: 1, minHeight: 0, overflow: 'auto', display: 'flex', flexDirection: 'column' } }}
    >
      {run.error ? (
        <ErrorBox error={run.error} />
      ) : !run.data ? (
        <Loading />
      ) : (
        <ReportChart tenant={tenant} report={report} result={run.data} title={title} selected={selected} onCell={onCell} />
      )}
    </Card>
  );
}
