import { describe, expect, it } from 'vitest';
import type { ReportColumn, ReportResult } from '../../api/reports';
import { pivotOf } from './pivot';
import { excelFormat, sheetOf } from './pivot-sheet';

const columns: ReportColumn[] = [
  { key: 'region', role: 'row', kind: 'text' },
  { key: 'quarter', role: 'column', kind: 'date', bucket: 'quarter' },
  { key: 'amount', role: 'value', kind: 'number' },
  { key: 'rate', role: 'value', kind: 'number' },
];
const rows = [
  { region: 'east', quarter: 'Q1', amount: '10.5', rate: 0.25 },
  { region: 'east', quarter: 'Q2', amount: 5, rate: 0.5 },
  { region: 'west', quarter: 'Q2', amount: 7, rate: 1 },
];
const names: Record<string, string> = { east: '华东', west: '华西', Q1: '2026 Q1', Q2: '2026 Q2' };
const label = (c: { key: string }, r: Record<string, unknown>) => names[String(r[c.key])] ?? String(r[c.key]);
const labels = (result: ReportResult) => ({
  rowDims: result.columns.filter((c) => c.role === 'row'),
  dimensionLabel: (c: ReportColumn) => ({ region: '区域' })[c.key] ?? c.key,
  measureLabel: (m: string) => ({ amount: '金额', rate: '比率' })[m] ?? m,
  measureFormat: (m: string) => ({ amount: 'currency', rate: 'percent' })[m],
});
const money = (value: number) => ({ value, numFmt: '#,##0.00' });
const percent = (value: number) => ({ value, numFmt: '0.00%' });

describe('sheetOf', () => {
  it('lays a pivot out as shown: one heading row per column group, labels, numbers with their formats', () => {
    const result: ReportResult = { columns: columns.slice(0, 3), rows, truncated: false };
    const sheet = sheetOf(pivotOf(result, label), labels(result));
    expect(sheet).toEqual({
      rows: [
        ['区域', '2026 Q1', '2026 Q2'],
        ['华东', money(10.5), money(5)],
        ['华西', null, money(7)],
      ],
      merges: [],
      headerRows: 1,
    });
  });

  it('puts each column group over its measures when there are several, merging the headings', () => {
    const result: ReportResult = { columns, rows, truncated: false };
    const sheet = sheetOf(pivotOf(result, label), labels(result));
    expect(sheet.rows).toEqual([
      ['区域', '2026 Q1', null, '2026 Q2', null],
      [null, '金额', '比率', '金额', '比率'],
      ['华东', money(10.5), percent(0.25), money(5), percent(0.5)],
      ['华西', null, null, money(7), percent(1)],
    ]);
    expect(sheet.merges).toEqual([
      [1, 1, 2, 1],
      [1, 2, 1, 3],
      [1, 4, 1, 5],
    ]);
    expect(sheet.headerRows).toBe(2);
  });

  it('heads the measures when there is no column dimension, a plain number in Excel’s General format', () => {
    const result: ReportResult = {
      columns: [columns[0] as ReportColumn, { key: 'deals', role: 'value', kind: 'number' }],
      rows: [{ region: 'east', deals: 3 }],
      truncated: false,
    };
    expect(sheetOf(pivotOf(result, label), labels(result)).rows).toEqual([
      ['区域', 'deals'],
      ['华东', { value: 3 }],
    ]);
  });
});

describe('sheetOf with totals', () => {
  it('has the total rows and columns the pivot shows, with their numbers', () => {
    const result: ReportResult = {
      columns: columns.slice(0, 3),
      rows: [
        { region: 'east', quarter: 'Q1', amount: 10, $subtotal: 0, $colSubtotal: 0 },
        { region: 'east', quarter: null, amount: 10, $subtotal: 0, $colSubtotal: 1 },
        { region: 'west', quarter: 'Q2', amount: 7, $subtotal: 0, $colSubtotal: 0 },
        { region: 'west', quarter: null, amount: 7, $subtotal: 0, $colSubtotal: 1 },
        { region: null, quarter: 'Q1', amount: 10, $subtotal: 1, $colSubtotal: 0 },
        { region: null, quarter: 'Q2', amount: 7, $subtotal: 1, $colSubtotal: 0 },
        { region: null, quarter: null, amount: 17, $subtotal: 1, $colSubtotal: 1 },
      ],
      truncated: false,
    };
    expect(sheetOf(pivotOf(result, label, '合计'), labels(result)).rows).toEqual([
      ['区域', '2026 Q1', '2026 Q2', '合计'],
      ['华东', money(10), null, money(10)],
      ['华西', null, money(7), money(7)],
      ['合计', money(10), money(7), money(17)],
    ]);
  });
});

describe('excelFormat', () => {
  it('maps the report’s currency and percent formats to Excel number formats', () => {
    expect([excelFormat('currency'), excelFormat('percent'), excelFormat(undefined)]).toEqual(['#,##0.00', '0.00%', undefined]);
  });
});
