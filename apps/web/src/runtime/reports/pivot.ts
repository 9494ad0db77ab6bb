import type { ReportColumn, ReportResult, ReportRow } from '../../api/reports';
import type { CellLabel } from './report-labels';

/** One row or column heading of a pivot: its dimension values (what a drill-down asks for) and labels. */
export interface Axis {
  key: string;
  /** The dimension values it stands for; a total leaves out those it totals over. */
  cell: Record<string, unknown>;
  labels: string[];
  /** The "others" group after top N: it has no records of its own to drill into. */
  others: boolean;
  /** A subtotal or grand total: which of its dimensions are rolled up (the server's grouping bits; 0 for a group). */
  total: number;
}

/**
 * A report result as rows × columns of measure values. `rows` and `cols` are the groups (what
 * charts draw); `tableRows` and `tableCols` add the subtotals and totals the report asked for,
 * each after the groups it totals, as the pivot table shows them.
 */
export interface Pivot {
  rows: Axis[];
  cols: Axis[];
  tableRows: Axis[];
  tableCols: Axis[];
  measures: ReportColumn[];
  /** A measure of a cell; with no column given, the row's column total (summed over the columns when there is none). */
  value(row: Axis, col: Axis | undefined, measure: string): number | undefined;
}

/**
 * How a pivot orders its groups where the server's order is not the pivot's: sorted by a measure,
 * the server sorts cells, so rows go by their total and columns keep their natural order.
 */
export interface PivotOrder {
  rowsBy?: { measure: string; direction: 'asc' | 'desc' };
  cols?: (a: Axis, b: Axis) => number;
}

/**
 * Axes in their dimensions' natural order: by `rank` (a select option's place), else numbers by
 * value, date buckets by date, anything else by its label; blanks last.
 * @example naturalOrder(colDims, (d, v) => optionIndex(d, v))
 */
export function naturalOrder(dims: ReportColumn[], rank: (dim: ReportColumn, value: unknown) => number | undefined): (a: Axis, b: Axis) => number {
  const one = (d: ReportColumn, i: number, a: Axis, b: Axis): number => {
    const [x, y] = [a.cell[d.key] ?? null, b.cell[d.key] ?? null];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const [rx, ry] = [rank(d, x), rank(d, y)];
    if (rx !== undefined && ry !== undefined) return rx - ry;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (d.bucket) return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
    return (a.labels[i] ?? '').localeCompare(b.labels[i] ?? '', 'zh-CN');
  };
  return (a, b) => dims.reduce((c, d, i) => c || one(d, i, a, b), 0);
}

/** Whether the `i`th of `n` dimensions is rolled up in a total of grouping bits `total` (the first dimension is the high bit). */
const rolledUp = (total: number, i: number, n: number) => ((total >> (n - 1 - i)) & 1) === 1;

function axisOf(dims: ReportColumn[], row: ReportRow, label: CellLabel, others: boolean, total: number, totalLabel: string): Axis {
  const kept = dims.filter((_, i) => !rolledUp(total, i, dims.length));
  const cell = Object.fromEntries(kept.map((d) => [d.key, row[d.key] ?? null]));
  // A total reads "合计" under its first rolled-up dimension, blank under the others.
  const first = dims.findIndex((_, i) => rolledUp(total, i, dims.length));
  const labels = dims.map((d, i) => (i === first ? totalLabel : rolledUp(total, i, dims.length) ? '' : label(d, row)));
  return { key: JSON.stringify([others, total, ...dims.map((d) => row[d.key] ?? null)]), cell, labels, others, total };
}

const num = (v: unknown): number | undefined => (v === null || v === undefined || v === '' ? undefined : Number(v));

/** Groups in the order the server sorted them (or `compare`'s), each total after the last axis it totals over. */
function withTotals(axes: Axis[], compare?: (a: Axis, b: Axis) => number): Axis[] {
  const groups = axes.filter((a) => !a.total);
  // The "others" row of a top N stays after the top values.
  const out = compare ? groups.sort((a, b) => Number(a.others) - Number(b.others) || compare(a, b)) : groups;
  const totals = axes.filter((a) => a.total).sort((a, b) => a.total - b.total);
  for (const t of totals) {
    const within = (a: Axis) => Object.entries(t.cell).every(([k, v]) => a.cell[k] === v);
    const last = out.findLastIndex(within);
    out.splice(last + 1, 0, t);
  }
  return out;
}

/**
 * Pivots a report result: each distinct row-dimension tuple a row, each column-dimension tuple a
 * column, in the order the server sorted them; rows the server marked `$subtotal` / `$colSubtotal`
 * become total rows and columns labelled `totalLabel`.
 * @example pivotOf(result, label).value(pivot.rows[0], pivot.cols[0], 'amount')
 */
export function pivotOf(result: ReportResult, label: CellLabel, totalLabel = 'Total', order: PivotOrder = {}): Pivot {
  const rowDims = result.columns.filter((c) => c.role === 'row');
  const colDims = result.columns.filter((c) => c.role === 'column');
  const measures = result.columns.filter((c) => c.role === 'value');
  const rows = new Map<string, Axis>();
  const cols = new Map<string, Axis>();
  const cells = new Map<string, ReportRow>();
  for (const r of result.rows) {
    // Top N groups the first row dimension: an "others" row still has its column values.
    const row = axisOf(rowDims, r, label, r.$others === true, Number(r.$subtotal ?? 0), totalLabel);
    const col = axisOf(colDims, r, label, false, Number(r.$colSubtotal ?? 0), totalLabel);
    if (!rows.has(row.key)) rows.set(row.key, row);
    if (colDims.length && !cols.has(col.key)) cols.set(col.key, col);
    cells.set(`${row.key}|${col.key}`, r);
  }
  const tableCols = withTotals([...cols.values()], order.cols);
  const groups = tableCols.filter((c) => !c.total);
  const noCol = JSON.stringify([false, 0]);
  // The column that totals every column, when the report asked for column totals.
  const grand = tableCols.find((c) => c.total && Object.keys(c.cell).length === 0);
  const value = (row: Axis, col: Axis | undefined, measure: string): number | undefined => {
    if (col || !tableCols.length) return num(cells.get(`${row.key}|${col?.key ?? noCol}`)?.[measure]);
    if (grand) return num(cells.get(`${row.key}|${grand.key}`)?.[measure]);
    const each = groups.map((c) => num(cells.get(`${row.key}|${c.key}`)?.[measure])).filter((v) => v !== undefined);
    return each.length ? each.reduce((a, b) => a + b, 0) : undefined;
  };
  const by = order.rowsBy;
  const rowTotal = (a: Axis) => (by ? (value(a, undefined, by.measure) ?? Number.NEGATIVE_INFINITY) : 0);
  const tableRows = withTotals([...rows.values()], by ? (a, b) => (rowTotal(a) - rowTotal(b)) * (by.direction === 'desc' ? -1 : 1) : undefined);
  return { rows: tableRows.filter((r) => !r.total), cols: groups, tableRows, tableCols, measures, value };
}

/** The dimension values a click on (row, column) drills into, or null for an "others" group. */
export function drillCell(row: Axis | undefined, col: Axis | undefined): Record<string, unknown> | null {
  if (!row || row.others || col?.others) return null;
  return { ...row.cell, ...col?.cell };
}

/** Whether two cells name the same dimension values. */
export function sameCell(a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): boolean {
  if (!a || !b) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && a[k] === b[k]);
}

/** One dimension value of a cell as it reads: its dimension's key and the value's label. */
export interface CellPart {
  key: string;
  label: string;
}

/**
 * A cell's dimension values as the pivot's headings label them, in the cell's key order.
 * @example cellParts(pivot, { region: 'east' }) // [{ key: 'region', label: '华东' }]
 */
export function cellParts(pivot: Pivot, cell: Record<string, unknown>): CellPart[] {
  const axes = [...pivot.rows, ...pivot.cols];
  return Object.keys(cell).map((key) => {
    const axis = axes.find((a) => key in a.cell && a.cell[key] === cell[key]);
    return { key, label: axis?.labels[Object.keys(axis.cell).indexOf(key)] ?? String(cell[key] ?? '') };
  });
}
