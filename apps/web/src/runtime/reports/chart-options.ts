import type { EChartsCoreOption } from 'echarts/core';
import type { ReportView } from '../../api/reports';
import { drillCell, type Pivot, sameCell } from './pivot';

/** What a chart is drawn from: the pivoted result, measure labels, and the report's chart settings. */
export interface ChartInput {
  pivot: Pivot;
  chart: ReportView['chart'];
  measureLabel(name: string): string;
}

/** What a clicked data item (ECharts' `dataIndex`, `seriesIndex`) drills into. */
export type CellOf = (item: { dataIndex: number; seriesIndex?: number }) => Record<string, unknown> | null;

export interface ChartPlan {
  option: EChartsCoreOption;
  cellOf: CellOf;
}

const joined = (labels: string[]) => labels.join(' / ');
const firstMeasure = (p: Pivot) => p.measures[0]?.key ?? '';

/** Bars, columns, lines and areas: categories are the row groups; series the column groups (or the measures). */
function cartesian(input: ChartInput, kind: 'bar' | 'column' | 'line' | 'area'): ChartPlan {
  const { pivot, chart } = input;
  const measure = firstMeasure(pivot);
  const type = kind === 'bar' || kind === 'column' ? 'bar' : 'line';
  const common = { type, stack: chart.stacked ? 'total' : undefined, ...(kind === 'area' ? { areaStyle: {} } : {}), emphasis: { focus: 'series' } };
  const series = pivot.cols.length
    ? pivot.cols.map((c) => ({ ...common, name: joined(c.labels), data: pivot.rows.map((r) => pivot.value(r, c, measure) ?? 0) }))
    : pivot.measures.map((m) => ({ ...common, name: input.measureLabel(m.key), data: pivot.rows.map((r) => pivot.value(r, undefined, m.key) ?? 0) }));
  const category = { type: 'category', data: pivot.rows.map((r) => joined(r.labels)) };
  const value = { type: 'value' };
  // A "bar" chart lies on its side; a "column" chart stands up (as in spreadsheets).
  const horizontal = kind === 'bar';
  return {
    option: {
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 8, right: 16, top: 16, bottom: 32, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series,
    },
    cellOf: ({ dataIndex, seriesIndex = 0 }) => drillCell(pivot.rows[dataIndex], pivot.cols.length ? pivot.cols[seriesIndex] : undefined),
  };
}

/** Pies, donuts and funnels: one slice or step per row group, of the first measure (summed over column groups). */
function sliced(input: ChartInput, kind: 'pie' | 'donut' | 'funnel'): ChartPlan {
  const { pivot } = input;
  const measure = firstMeasure(pivot);
  const data = pivot.rows.map((r) => ({ name: joined(r.labels), value: pivot.value(r, undefined, measure) ?? 0 }));
  const series =
    kind === 'funnel'
      ? { type: 'funnel', sort: 'none', left: 8, right: 8, top: 8, bottom: 8, label: { show: true, position: 'inside' }, data }
      : { type: 'pie', radius: kind === 'donut' ? ['45%', '70%'] : '70%', center: ['50%', '45%'], data };
  return {
    // A funnel's steps are labelled in place; a pie's slices by its legend.
    option: {
      tooltip: { trigger: 'item' },
      ...(kind === 'funnel' ? {} : { legend: { type: 'scroll', bottom: 0 } }),
      series: [{ ...series, name: input.measureLabel(measure) }],
    },
    cellOf: ({ dataIndex }) => drillCell(pivot.rows[dataIndex], undefined),
  };
}

/** A gauge of the first value against the target: a number, or another measure of the report. */
function gauge(input: ChartInput): ChartPlan {
  const { pivot, chart } = input;
  const row = pivot.rows[0];
  const value = row ? (pivot.value(row, undefined, firstMeasure(pivot)) ?? 0) : 0;
  const target = typeof chart.target === 'number' ? chart.target : row && chart.target ? pivot.value(row, undefined, chart.target) : undefined;
  const max = target && target > 0 ? target : Math.max(100, Math.ceil(value * 1.25));
  return {
    option: {
      series: [
        {
          type: 'gauge',
          min: 0,
          max,
          progress: { show: true },
          detail: { valueAnimation: false, fontSize: 20 },
          data: [{ value, name: input.measureLabel(firstMeasure(pivot)) }],
        },
      ],
    },
    cellOf: () => drillCell(row, undefined),
  };
}

/** The ECharts drawing of each chart type that has one (KPI cards, tables and pivots are drawn as HTML). */
export const chartPlans = {
  bar: (i: ChartInput) => cartesian(i, 'bar'),
  column: (i: ChartInput) => cartesian(i, 'column'),
  line: (i: ChartInput) => cartesian(i, 'line'),
  area: (i: ChartInput) => cartesian(i, 'area'),
  pie: (i: ChartInput) => sliced(i, 'pie'),
  donut: (i: ChartInput) => sliced(i, 'donut'),
  funnel: (i: ChartInput) => sliced(i, 'funnel'),
  gauge,
  // A map needs region geometry ECharts does not ship; until there is some, a map is drawn as columns.
  map: (i: ChartInput) => cartesian(i, 'column'),
} satisfies Record<string, (i: ChartInput) => ChartPlan>;

export type EChartType = keyof typeof chartPlans;

/** How faint the items that are not the selected cell are drawn. */
const unselectedOpacity = 0.3;

/**
 * The plan with every data item but those of the selected cell drawn faint (a dashboard's cross
 * filter shows which cell of its source widget it is); the plan as it is when nothing is selected.
 */
export function withSelection(plan: ChartPlan, selected: Record<string, unknown> | null | undefined): ChartPlan {
  if (!selected) return plan;
  const option = plan.option as { series?: { data?: unknown[] }[] };
  const series = option.series?.map((s, seriesIndex) => ({
    ...s,
    data: s.data?.map((d, dataIndex) => {
      if (sameCell(plan.cellOf({ dataIndex, seriesIndex }), selected)) return d;
      const item: { itemStyle?: object } = typeof d === 'object' && d !== null ? d : { value: d };
      return { ...item, itemStyle: { ...item.itemStyle, opacity: unselectedOpacity } };
    }),
  }));
  return { ...plan, option: { ...plan.option, series } };
}
