import type { ReportColumn, ReportResult, ReportRow } from '../../api/reports';
import type { CellLabel } from './report-labels';

/** One row or column heading of a pivot: its dimension values (what a drill-down asks for) and labels. */
export interface Axis {
  key: string;
  cell: Record<string, unknown>;
  labels: string[];
  /** The "others" group after top N: it has no records of its own to drill into. */
  others: boolean;
}

/** A report result as rows × columns of measure values (subtotal rows left out: charts and the pivot total themselves). */
export interface Pivot {
  rows: Axis[];
  cols: Axis[];
  measures: ReportColumn[];
  /** A measure of a cell; with no column given, summed over the columns. */
  value(row: Axis, col: Axis | undefined, measure: string): number | undefined;
}

function axisOf(dims: ReportColumn[], row: ReportRow, label: CellLabel, others: boolean): Axis {
  const cell = Object.fromEntries(dims.map((d) => [d.key, row[d.key] ?? null]));
  return { key: JSON.stringify([others, ...dims.map((d) => row[d.key] ?? null)]), cell, labels: dims.map((d) => label(d, row)), others };
}

const num = (v: unknown): number | undefined => (v === null || v === undefined || v === '' ? undefined : Number(v));

/**
 * Pivots a report result: each distinct row-dimension tuple a row, each column-dimension tuple a
 * column, in the order the server sorted them.
 * @example pivotOf(result, label).value(pivot.rows[0], pivot.cols[0], 'amount')
 */
export function pivotOf(result: ReportResult, label: CellLabel): Pivot {
  const rowDims = result.columns.filter((c) => c.role === 'row');
  const colDims = result.columns.filter((c) => c.role === 'column');
  const measures = result.columns.filter((c) => c.role === 'value');
  const rows = new Map<string, Axis>();
  const cols = new Map<string, Axis>();
  const cells = new Map<string, ReportRow>();
  for (const r of result.rows) {
    if (r.$subtotal) continue;
    const row = axisOf(rowDims, r, label, r.$others === true);
    // Top N groups the first row dimension: an "others" row still has its column values.
    const col = axisOf(colDims, r, label, false);
    if (!rows.has(row.key)) rows.set(row.key, row);
    if (colDims.length && !cols.has(col.key)) cols.set(col.key, col);
    cells.set(`${row.key}|${col.key}`, r);
  }
  const colList = [...cols.values()];
  const noCol = JSON.stringify([false]);
  const value = (row: Axis, col: Axis | undefined, measure: string): number | undefined => {
    if (col || !colList.length) return num(cells.get(`${row.key}|${col?.key ?? noCol}`)?.[measure]);
    const each = colList.map((c) => num(cells.get(`${row.key}|${c.key}`)?.[measure])).filter((v) => v !== undefined);
    return each.length ? each.reduce((a, b) => a + b, 0) : undefined;
  };
  return { rows: [...rows.values()], cols: colList, measures, value };
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
