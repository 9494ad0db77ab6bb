import { describe, expect, it } from 'vitest';
import type { ReportResult } from '../../api/reports';
import { type Axis, cellParts, drillCell, naturalOrder, pivotOf, sameCell } from './pivot';
import { bucketLabel } from './report-labels';

const result: ReportResult = {
  columns: [
    { key: 'region', role: 'row', kind: 'text', field: 'account.region' },
    { key: 'closed_on', role: 'column', kind: 'date', field: 'closed_on', bucket: 'quarter' },
    { key: 'amount', role: 'value', kind: 'number' },
  ],
  rows: [
    { region: 'east', closed_on: '2026-01-01', amount: 10 },
    { region: 'east', closed_on: '2026-04-01', amount: '5.5' },
    { region: 'west', closed_on: '2026-04-01', amount: 7 },
    { region: null, closed_on: '2026-04-01', amount: 99, $subtotal: 1 },
    { region: null, closed_on: '2026-04-01', amount: 3, $others: true },
  ],
  truncated: false,
};
const label = (c: { key: string; bucket?: string }, r: Record<string, unknown>) =>
  r.$others && c.key === 'region' ? 'others' : c.bucket ? bucketLabel(String(r[c.key]), c.bucket) : String(r[c.key]);

describe('pivotOf', () => {
  it('puts each row tuple on a row and each column tuple on a column, leaving subtotals out', () => {
    const p = pivotOf(result, label);
    expect(p.rows.map((r) => r.labels[0])).toEqual(['east', 'west', 'others']);
    expect(p.cols.map((c) => c.labels[0])).toEqual(['2026 Q1', '2026 Q2']);
    expect(p.value(p.rows[0]!, p.cols[1], 'amount')).toBe(5.5);
    expect(p.value(p.rows[1]!, p.cols[0], 'amount')).toBeUndefined();
  });

  it('sums a row over its columns when no column is given', () => {
    const p = pivotOf(result, label);
    expect(p.value(p.rows[0]!, undefined, 'amount')).toBe(15.5);
  });

  it('drills into the row and column values of a cell, and not into "others"', () => {
    const p = pivotOf(result, label);
    expect(drillCell(p.rows[0], p.cols[1])).toEqual({ region: 'east', closed_on: '2026-04-01' });
    expect(drillCell(p.rows[2], p.cols[1])).toBeNull();
  });
});

describe('pivotOf with totals', () => {
  // Sales by region and stage (rows) by quarter (columns), totalled both ways, in the server's order.
  const totals: ReportResult = {
    columns: [
      { key: 'region', role: 'row', kind: 'text' },
      { key: 'stage', role: 'row', kind: 'text' },
      { key: 'quarter', role: 'column', kind: 'text' },
      { key: 'amount', role: 'value', kind: 'number' },
    ],
    rows: [
      { region: 'east', stage: 'won', quarter: 'Q1', amount: 10, $subtotal: 0, $colSubtotal: 0 },
      { region: 'east', stage: 'won', quarter: null, amount: 10, $subtotal: 0, $colSubtotal: 1 },
      { region: 'east', stage: 'lead', quarter: 'Q2', amount: 4, $subtotal: 0, $colSubtotal: 0 },
      { region: 'east', stage: 'lead', quarter: null, amount: 4, $subtotal: 0, $colSubtotal: 1 },
      { region: 'east', stage: null, quarter: 'Q1', amount: 10, $subtotal: 1, $colSubtotal: 0 },
      { region: 'east', stage: null, quarter: 'Q2', amount: 4, $subtotal: 1, $colSubtotal: 0 },
      { region: 'east', stage: null, quarter: null, amount: 14, $subtotal: 1, $colSubtotal: 1 },
      { region: 'west', stage: null, quarter: 'Q2', amount: 5, $subtotal: 0, $colSubtotal: 0 },
      { region: 'west', stage: null, quarter: null, amount: 5, $subtotal: 0, $colSubtotal: 1 },
      { region: 'west', stage: null, quarter: 'Q2', amount: 5, $subtotal: 1, $colSubtotal: 0 },
      { region: 'west', stage: null, quarter: null, amount: 5, $subtotal: 1, $colSubtotal: 1 },
      { region: null, stage: null, quarter: 'Q1', amount: 10, $subtotal: 3, $colSubtotal: 0 },
      { region: null, stage: null, quarter: 'Q2', amount: 9, $subtotal: 3, $colSubtotal: 0 },
      { region: null, stage: null, quarter: null, amount: 19, $subtotal: 3, $colSubtotal: 1 },
    ],
    truncated: false,
  };
  const plain = (c: { key: string }, r: Record<string, unknown>) => String(r[c.key] ?? '(blank)');
  const p = pivotOf(totals, plain, 'Total');
  const row = (labels: string[]) => p.tableRows.find((r) => r.labels.join('/') === labels.join('/')) as Axis;

  it('shows each subtotal after the groups it totals, the grand total last, a blank stage kept apart from a subtotal', () => {
    expect(p.tableRows.map((r) => r.labels)).toEqual([
      ['east', 'won'],
      ['east', 'lead'],
      ['east', 'Total'],
      ['west', '(blank)'],
      ['west', 'Total'],
      ['Total', ''],
    ]);
    expect(p.rows.map((r) => r.labels)).toEqual([
      ['east', 'won'],
      ['east', 'lead'],
      ['west', '(blank)'],
    ]);
  });

  it('adds the column total after the columns, and charts draw only the groups', () => {
    expect(p.tableCols.map((c) => c.labels)).toEqual([['Q1'], ['Q2'], ['Total']]);
    expect(p.cols.map((c) => c.labels)).toEqual([['Q1'], ['Q2']]);
  });

  it('reads totals as the server computed them, and a row’s total from the total column', () => {
    const [, , total] = p.tableCols;
    expect(p.value(row(['Total', '']), total, 'amount')).toBe(19);
    expect(p.value(row(['east', 'Total']), p.tableCols[1], 'amount')).toBe(4);
    expect(p.value(row(['east', 'won']), undefined, 'amount')).toBe(10);
  });

  it('drills from a total into the dimensions it does not total over', () => {
    expect(drillCell(row(['east', 'Total']), p.tableCols[2])).toEqual({ region: 'east' });
    expect(drillCell(row(['Total', '']), p.tableCols[0])).toEqual({ quarter: 'Q1' });
  });
});

describe('pivotOf sorted by a measure', () => {
  // Sorted by amount, largest first: the server orders the cells, not the rows or the columns.
  const sorted: ReportResult = {
    columns: [
      { key: 'stage', role: 'row', kind: 'text', field: 'stage' },
      { key: 'quarter', role: 'column', kind: 'date', bucket: 'quarter' },
      { key: 'amount', role: 'value', kind: 'number' },
    ],
    rows: [
      { stage: 'won', quarter: '2026-04-01', amount: 300 },
      { stage: 'proposal', quarter: '2026-01-01', amount: 200 },
      { stage: 'proposal', quarter: '2026-04-01', amount: 125 },
      { stage: 'lead', quarter: '2026-01-01', amount: 100 },
      { stage: 'won', quarter: '2026-01-01', amount: 10 },
      { stage: null, quarter: '2026-04-01', amount: 999, $others: true },
    ],
    truncated: false,
  };
  const named = (a: Axis) => (a.others ? 'others' : a.labels[0]);
  const stageRank = (_: unknown, v: unknown) => ['lead', 'proposal', 'won'].indexOf(String(v));
  const order = { rowsBy: { measure: 'amount', direction: 'desc' as const }, cols: naturalOrder(sorted.columns.slice(1, 2), () => undefined) };

  it('puts the rows in the order of their totals, "others" last, and the columns in date order', () => {
    const p = pivotOf(sorted, label, 'Total', order);
    expect(p.rows.map(named)).toEqual(['proposal', 'won', 'lead', 'others']);
    expect(p.cols.map((c) => c.labels[0])).toEqual(['2026 Q1', '2026 Q2']);
  });

  it('orders select options by their place, numbers by value, blanks last', () => {
    const p = pivotOf(sorted, label);
    const byOption = [...p.rows].sort(naturalOrder(sorted.columns.slice(0, 1), stageRank));
    expect(byOption.map(named)).toEqual(['lead', 'proposal', 'won', 'others']);
  });
});

describe('cells', () => {
  it('are the same when they name the same dimension values', () => {
    expect(sameCell({ region: 'east', closed_on: null }, { closed_on: null, region: 'east' })).toBe(true);
    expect(sameCell({ region: 'east' }, { region: 'east', closed_on: null })).toBe(false);
    expect(sameCell({ region: 'east' }, null)).toBe(false);
  });

  it('read as the labels of the headings they lie under', () => {
    const p = pivotOf(result, label);
    expect(cellParts(p, { region: 'west', closed_on: '2026-04-01' })).toEqual([
      { key: 'region', label: 'west' },
      { key: 'closed_on', label: '2026 Q2' },
    ]);
  });
});

describe('bucketLabel', () => {
  it('reads a bucket’s first day as its period', () => {
    expect([bucketLabel('2026-07-01', 'quarter'), bucketLabel('2026-08-01', 'month'), bucketLabel('2026-01-01', 'year')]).toEqual([
      '2026 Q3',
      '2026-08',
      '2026',
    ]);
  });

  it('reads a fiscal quarter or year by its months', () => {
    expect([bucketLabel('2025-11-01', 'quarter'), bucketLabel('2026-02-01', 'quarter'), bucketLabel('2025-04-01', 'year')]).toEqual([
      '2025-11~2026-01',
      '2026-02~2026-04',
      '2025-04~2026-03',
    ]);
  });
});
