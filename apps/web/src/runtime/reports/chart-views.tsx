import type { ChartType } from '@tangram/metadata';
import type { ComponentType } from 'react';
import type { ReportColumn, ReportView } from '../../api/reports';
import { chartPlans, type EChartType, withSelection } from './chart-options';
import { EChart } from './echart';
import { KpiCard } from './kpi-card';
import type { Pivot } from './pivot';
import { PivotTable } from './pivot-table';
import { measuresOf } from './report-labels';

/** What every chart view gets: the pivoted result (a table gets every dimension as a row), labels, and where a click drills. */
export interface ChartViewProps {
  report: ReportView;
  pivot: Pivot;
  rowDims: ReportColumn[];
  title: string;
  dimensionLabel(column: ReportColumn): string;
  measureLabel(name: string): string;
  /** A click on a bar, slice, step or cell: its dimension values. */
  onCell(cell: Record<string, unknown>): void;
  /** The cell selected as a dashboard's cross filter: drawn highlighted. */
  selected?: Record<string, unknown> | null;
}

const measureFormat = (report: ReportView) => (name: string) => measuresOf(report).find((v) => v.name === name)?.format;

/** A chart ECharts draws, by the report's chart type. */
function EChartView({ report, pivot, measureLabel, onCell, title, selected }: ChartViewProps) {
  const type = (report.chart?.type ?? 'column') as EChartType;
  const plan = withSelection((chartPlans[type] ?? chartPlans.column)({ pivot, chart: report.chart ?? { type }, measureLabel }), selected);
  return <EChart plan={plan} onCell={onCell} label={title} />;
}

function TableView(props: ChartViewProps) {
  return <PivotTable {...props} caption={props.title} measureFormat={measureFormat(props.report)} />;
}

/** How each chart type is drawn (`data`: a chart whose numbers are also offered as a table under it). */
export const chartViews: Record<ChartType, { View: ComponentType<ChartViewProps>; data: boolean; flat?: boolean }> = {
  kpi: { View: KpiCard, data: false },
  bar: { View: EChartView, data: true },
  column: { View: EChartView, data: true },
  line: { View: EChartView, data: true },
  area: { View: EChartView, data: true },
  pie: { View: EChartView, data: true },
  donut: { View: EChartView, data: true },
  funnel: { View: EChartView, data: true },
  gauge: { View: EChartView, data: false },
  map: { View: EChartView, data: true },
  // A table lists every group on its own row; a pivot spreads the column dimensions across.
  table: { View: TableView, data: false, flat: true },
  pivot: { View: TableView, data: false },
};

export { measureFormat };
