import { MoreOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, type MenuProps } from 'antd';
import type { RefObject } from 'react';
import type { ReportResult, ReportView } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { chartPlans, type EChartType } from './chart-options';
import { measureFormat } from './chart-views';
import { sheetOf } from './pivot-sheet';
import { useReportPivot } from './use-report-pivot';
import { downloadPng, downloadXlsx } from './widget-export';

/** Extra entries a widget's menu offers besides the exports (e.g. the records behind a selection). */
export type WidgetMenuItems = NonNullable<MenuProps['items']>;

/**
 * A widget's menu (⋯ in its header): a chart's picture as PNG, and the data of any widget as an
 * Excel workbook laid out as its pivot shows it.
 */
export function WidgetMenu(props: {
  tenant: string;
  report: ReportView;
  result: ReportResult;
  title: string;
  /** The widget's element: the PNG is drawn at the size its chart shows. */
  host: RefObject<HTMLElement | null>;
  items?: WidgetMenuItems;
}) {
  const { tenant, report, result, title, host, items = [] } = props;
  const { t } = useI18n();
  const { message } = App.useApp();
  const { pivot, rowDims, dimensionLabel, measureLabel } = useReportPivot(tenant, report, result);
  const type = report.chart?.type ?? 'table';
  const plan = type in chartPlans ? chartPlans[type as EChartType]({ pivot, chart: report.chart ?? { type }, measureLabel }) : undefined;
  const failed = (e: unknown) => void message.error(t('report.exportFailed', { error: e instanceof Error ? e.message : String(e) }));
  const png = () => {
    if (!plan) return;
    const box = host.current?.querySelector('[data-testid="chart"]')?.getBoundingClientRect();
    downloadPng(plan, { width: box?.width ?? 800, height: box?.height ?? 400 }, title).catch(failed);
  };
  const xlsx = () => downloadXlsx(sheetOf(pivot, { rowDims, dimensionLabel, measureLabel, measureFormat: measureFormat(report) }), title).catch(failed);
  const menu: WidgetMenuItems = [
    ...items,
    ...(plan ? [{ key: 'png', label: t('report.exportPng'), onClick: png }] : []),
    { key: 'xlsx', label: t('report.exportXlsx'), onClick: xlsx },
  ];
  return (
    <Dropdown trigger={['click']} menu={{ items: menu }} popupRender={(node) => <div data-widget-menu={report.name}>{node}</div>}>
      <Button type="text" size="small" icon={<MoreOutlined />} aria-label={t('report.menu', { title })} data-testid="widget-menu" />
    </Dropdown>
  );
}
