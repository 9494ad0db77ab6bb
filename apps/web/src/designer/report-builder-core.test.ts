import type { ReportInput } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { type BuilderField, dropField, removeAt } from './report-builder-core';

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
