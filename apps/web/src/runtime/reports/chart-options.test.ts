import { describe, expect, it } from 'vitest';
import type { ReportResult } from '../../api/reports';
import { chartPlans, withSelection } from './chart-options';
import { pivotOf } from './pivot';

const result: ReportResult = {
  columns: [
    { key: 'region', role: 'row', kind: 'text' },
    { key: 'quarter', role: 'column', kind: 'date', bucket: 'quarter' },
    { key: 'amount', role: 'value', kind: 'number' },
  ],
  rows: [
    { region: 'east', quarter: '2026-01-01', amount: 10 },
    { region: 'east', quarter: '2026-04-01', amount: 5 },
    { region: 'west', quarter: '2026-04-01', amount: 7 },
    { region: null, quarter: '2026-01-01', amount: 2, $others: true },
  ],
  truncated: false,
};
const pivot = pivotOf(result, (c, r) => String(r[c.key]));
const input = { pivot, chart: { type: 'bar' as const, stacked: true }, measureLabel: (n: string) => n };

describe('chart plans', () => {
  it('draws a stacked bar per column group, each bar drilling into its row and column', () => {
    const plan = chartPlans.bar(input);
    const series = (plan.option as { series: { name: string; stack?: string; data: number[] }[] }).series;
    expect(series.map((s) => [s.name, s.stack, s.data])).toEqual([
      ['2026-01-01', 'total', [10, 0, 2]],
      ['2026-04-01', 'total', [5, 7, 0]],
    ]);
    expect(plan.cellOf({ dataIndex: 1, seriesIndex: 1 })).toEqual({ region: 'west', quarter: '2026-04-01' });
  });

  it('drills into nothing from the "others" bar', () => {
    expect(chartPlans.bar(input).cellOf({ dataIndex: 2, seriesIndex: 0 })).toBeNull();
  });

  it('draws a funnel step per row group, summed over the columns', () => {
    const plan = chartPlans.funnel(input);
    const [series] = (plan.option as { series: { data: { value: number }[] }[] }).series;
    expect(series?.data.map((d) => d.value)).toEqual([15, 7, 2]);
    expect(plan.cellOf({ dataIndex: 0 })).toEqual({ region: 'east' });
  });

  it('draws every item but the selected cell faint, and leaves the plan as it is with nothing selected', () => {
    const plan = chartPlans.bar(input);
    const series = (withSelection(plan, { region: 'west', quarter: '2026-04-01' }).option as { series: { data: unknown[] }[] }).series;
    const faint = { opacity: 0.3 };
    expect(series.map((s) => s.data)).toEqual([
      [
        { value: 10, itemStyle: faint },
        { value: 0, itemStyle: faint },
        { value: 2, itemStyle: faint },
      ],
      [{ value: 5, itemStyle: faint }, 7, { value: 0, itemStyle: faint }],
    ]);
    expect(withSelection(plan, null)).toBe(plan);
  });

  it('keeps a whole slice bright when its row is selected', () => {
    const series = (withSelection(chartPlans.pie(input), { region: 'east' }).option as { series: { data: { name: string; itemStyle?: object }[] }[] }).series;
    expect(series[0]?.data.map((d) => d.itemStyle ?? 'bright')).toEqual(['bright', { opacity: 0.3 }, { opacity: 0.3 }]);
  });
});
