import { Button, Table, type TableProps } from 'antd';
import type { ReportColumn } from '../../api/reports';
import { type Axis, drillCell, type Pivot, sameCell } from './pivot';
import { formatMeasure } from './report-labels';

export interface PivotTableProps {
  pivot: Pivot;
  dimensionLabel(column: ReportColumn): string;
  measureLabel(name: string): string;
  measureFormat(name: string): string | undefined;
  onCell(cell: Record<string, unknown>): void;
  /** The cell selected as a dashboard's cross filter: its values are highlighted. */
  selected?: Record<string, unknown> | null;
  /** The accessible name of the table (the widget's title). */
  caption: string;
  rowDims: ReportColumn[];
}

/** A `data-cell` name for tests and tools: row labels | column labels | measure. */
const cellName = (row: Axis, col: Axis | undefined, measure: string) => `${row.labels.join(' / ')}|${col?.labels.join(' / ') ?? ''}|${measure}`;

/**
 * Rows × columns with the measures' values, each value a button handing its cell to `onCell` (a
 * dashboard's cross filter, the builder's drill-down); the "others" row shows its values but is
 * no cell. Under every chart too, as its data.
 */
export function PivotTable({ pivot, dimensionLabel, measureLabel, measureFormat, onCell, caption, rowDims, selected }: PivotTableProps) {
  const valueColumn = (col: Axis | undefined, measure: string, title: string) => ({
    key: `${col?.key ?? ''}:${measure}`,
    title,
    align: 'right' as const,
    render: (_: unknown, row: Axis) => {
      const v = pivot.value(row, col, measure);
      const text = formatMeasure(v, measureFormat(measure));
      const cell = drillCell(row, col);
      const on = sameCell(cell, selected);
      return cell && v !== undefined ? (
        <Button
          type={on ? 'primary' : 'link'}
          size="small"
          style={{ padding: on ? '0 4px' : 0, height: 'auto' }}
          aria-pressed={selected ? on : undefined}
          data-cell={cellName(row, col, measure)}
          onClick={() => onCell(cell)}
        >
          {text}
        </Button>
      ) : (
        <span data-cell={cellName(row, col, measure)}>{text}</span>
      );
    },
  });
  const measures = pivot.measures.map((m) => m.key);
  const columns: TableProps<Axis>['columns'] = [
    ...rowDims.map((d, i) => ({ key: `dim:${d.key}`, title: dimensionLabel(d), render: (_: unknown, row: Axis) => row.labels[i] })),
    ...(pivot.tableCols.length
      ? pivot.tableCols.map((c) =>
          measures.length === 1
            ? valueColumn(c, measures[0] as string, c.labels.join(' / '))
            : { key: c.key, title: c.labels.join(' / '), children: measures.map((m) => valueColumn(c, m, measureLabel(m))) },
        )
      : measures.map((m) => valueColumn(undefined, m, measureLabel(m)))),
  ];
  return (
    <Table<Axis>
      size="small"
      bordered
      aria-label={caption}
      rowKey="key"
      columns={columns}
      dataSource={pivot.tableRows}
      onRow={(row) => (row.total ? { style: { fontWeight: 600, background: '#fafafa' }, 'data-total': row.total } : {})}
      pagination={false}
      scroll={{ x: 'max-content' }}
    />
  );
}
