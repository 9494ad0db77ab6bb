import { describe, expect, it } from 'vitest';
import type { ReportResult } from '../../api/reports';
import { cellParts, drillCell, pivotOf, sameCell } from './pivot';
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
    { region: 'west', closed_on: null, amount: 99, $subtotal: true },
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
    expect([bucketLabel('2026-08-01', 'quarter'), bucketLabel('2026-08-01', 'month'), bucketLabel('2026-01-01', 'year')]).toEqual([
      '2026 Q3',
      '2026-08',
      '2026',
    ]);
  });
});
