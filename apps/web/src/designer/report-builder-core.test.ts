import type { ReportInput } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { type BuilderField, dropField, previewSpec, pruned, rankable, removeAt, sortKeys, withSettings } from './report-builder-core';

const empty: ReportInput = { name: 'r', object: 'deal', values: [] };
const region: BuilderField = { path: 'account.region', label: '客户 › 区域', kind: 'text' };
const closed: BuilderField = { path: 'closed_on', label: '成交日期', kind: 'date' };
const amount: BuilderField = { path: 'amount', label: '金额', kind: 'number' };

describe('report builder', () => {
  it('groups by a dropped field once, a date by quarter', () => {
    const r = dropField(dropField(dropField(empty, 'rows', region), 'columns', closed), 'columns', region);
    expect([r.rows, r.columns]).toEqual([[{ field: 'account.region' }], [{ field: 'closed_on', bucket: 'quarter' }]]);
  });

  it('sums a dropped number and counts anything else', () => {
    const r = dropField(dropField(empty, 'values', amount), 'values', region);
    expect(r.values).toEqual([
      { name: 'amount', fn: 'sum', field: 'amount' },
      { name: 'count', fn: 'count' },
    ]);
    expect(removeAt(r, 'values', 0).values).toEqual([{ name: 'count', fn: 'count' }]);
  });
});

describe('report settings', () => {
  const report: ReportInput = {
    ...empty,
    rows: [{ field: 'stage' }],
    columns: [{ field: 'closed_on', bucket: 'quarter', as: 'quarter' }],
    values: [
      { name: 'amount', fn: 'sum', field: 'amount' },
      { name: 'share', fn: 'share', of: 'amount' },
    ],
  };

  it('sorts by a dimension’s key or a measure’s name, and ranks top N only by a measure the database computes', () => {
    expect(sortKeys(report)).toEqual([
      { key: 'stage', measure: false },
      { key: 'quarter', measure: false },
      { key: 'amount', measure: true },
      { key: 'share', measure: true },
    ]);
    expect(rankable(report).map((m) => m.name)).toEqual(['amount']);
  });

  it('sets a setting and removes one set to nothing', () => {
    const sorted = withSettings(report, { sort: [{ by: 'amount', direction: 'desc' }], limit: 10 });
    expect([sorted.sort, sorted.limit]).toEqual([[{ by: 'amount', direction: 'desc' }], 10]);
    expect('limit' in withSettings(sorted, { limit: undefined })).toBe(false);
  });

  it('drops a sort and a top N by a field taken off the report', () => {
    const set = withSettings(report, { sort: [{ by: 'stage' }, { by: 'amount' }], top: { n: 3, by: 'amount' } });
    const withoutAmount = pruned(removeAt(set, 'values', 0));
    expect([withoutAmount.sort, 'top' in withoutAmount]).toEqual([[{ by: 'stage' }], false]);
    expect('top' in pruned(removeAt(set, 'rows', 0))).toBe(false);
  });

  it('runs the preview with the settings', () => {
    const spec = previewSpec(withSettings(report, { subtotals: 'both', fiscalYearStart: 4, top: { n: 2, by: 'amount', others: true } }));
    expect(spec).toMatchObject({ subtotals: 'both', fiscalYearStart: 4, top: { n: 2, by: 'amount', others: true } });
    expect('sort' in spec).toBe(false);
  });
});
