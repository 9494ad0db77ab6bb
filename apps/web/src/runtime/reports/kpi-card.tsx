import { Button, Statistic } from 'antd';
import type { ChartViewProps } from './chart-views';
import { formatMeasure, measuresOf } from './report-labels';

/** A KPI card: the first measure of the first group, with the `compare` measure beside it when set. */
export function KpiCard({ pivot, report, measureLabel, onCell }: ChartViewProps) {
  const row = pivot.rows[0];
  const measure = pivot.measures[0]?.key ?? '';
  const format = (name: string) => measuresOf(report).find((v) => v.name === name)?.format;
  const value = row ? pivot.value(row, undefined, measure) : undefined;
  const compare = report.chart?.compare;
  const other = row && compare ? pivot.value(row, undefined, compare) : undefined;
  const cell = row && !row.others ? row.cell : null;
  return (
    <div style={{ display: 'flex', gap: 32, alignItems: 'center', height: '100%' }}>
      <Button type="text" style={{ height: 'auto', padding: 4, textAlign: 'start' }} disabled={!cell} onClick={() => cell && onCell(cell)}>
        <Statistic title={measureLabel(measure)} value={formatMeasure(value ?? 0, format(measure))} data-testid="kpi-value" />
      </Button>
      {compare && <Statistic title={measureLabel(compare)} value={formatMeasure(other ?? 0, format(compare))} valueStyle={{ fontSize: 18, color: '#888' }} />}
    </div>
  );
}
