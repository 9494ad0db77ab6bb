import type { ReportColumn } from '../../api/reports';
import type { Axis, Pivot } from './pivot';

/** One cell of an exported sheet: a heading (text) or a measure's value (a number, with its Excel number format). */
export type SheetCell = string | { value: number; numFmt?: string } | null;

/** A report laid out as the pivot table shows it: heading rows, then a row per row group; merges are 1-based [top, left, bottom, right]. */
export interface Sheet {
  rows: SheetCell[][];
  merges: [number, number, number, number][];
  /** How many rows are headings (frozen in the sheet). */
  headerRows: number;
}

export interface SheetLabels {
  rowDims: ReportColumn[];
  dimensionLabel(column: ReportColumn): string;
  measureLabel(name: string): string;
  measureFormat(name: string): string | undefined;
}

/** The Excel number format of a report's value format (as formatMeasure shows it); plain numbers keep Excel's General. */
export function excelFormat(format: string | undefined): string | undefined {
  if (format === 'currency') return '#,##0.00';
  if (format === 'percent') return '0.00%';
  return undefined;
}

const joined = (a: Axis) => a.labels.join(' / ');

/**
 * A pivot as a sheet, laid out like the pivot table: the row dimensions' headings, then a heading per
 * column group or total (over its measures when there are several), each row's (and subtotal's)
 * labels and its values as numbers.
 * @example sheetOf(pivot, labels).rows[1] // ['华东', { value: 360.5, numFmt: '#,##0.00' }, …]
 */
export function sheetOf(pivot: Pivot, labels: SheetLabels): Sheet {
  const { rowDims } = labels;
  const measures = pivot.measures.map((m) => m.key);
  const groups: (Axis | undefined)[] = pivot.tableCols.length ? pivot.tableCols : [undefined];
  // Two heading rows when several measures sit under each column group; one otherwise.
  const twoRows = pivot.tableCols.length > 0 && measures.length > 1;
  const dimHeads = rowDims.map((d) => labels.dimensionLabel(d));
  const valueHeads = groups.flatMap((g) => measures.map((m) => (g && !twoRows ? joined(g) : labels.measureLabel(m))));
  const header: SheetCell[][] = twoRows
    ? [
        [...dimHeads, ...groups.flatMap((g) => measures.map((_, i) => (i === 0 && g ? joined(g) : null)))],
        [...dimHeads.map(() => null), ...valueHeads],
      ]
    : [[...dimHeads, ...valueHeads]];
  const merges: Sheet['merges'] = twoRows
    ? [
        ...dimHeads.map((_, i): [number, number, number, number] => [1, i + 1, 2, i + 1]),
        ...groups.map((_, g): [number, number, number, number] => {
          const left = dimHeads.length + g * measures.length + 1;
          return [1, left, 1, left + measures.length - 1];
        }),
      ]
    : [];
  const body = pivot.tableRows.map((row): SheetCell[] => [
    ...row.labels,
    ...groups.flatMap((g) =>
      measures.map((m) => {
        const v = pivot.value(row, g, m);
        const numFmt = excelFormat(labels.measureFormat(m));
        return v === undefined ? null : { value: v, ...(numFmt ? { numFmt } : {}) };
      }),
    ),
  ]);
  return { rows: [...header, ...body], merges, headerRows: header.length };
}
