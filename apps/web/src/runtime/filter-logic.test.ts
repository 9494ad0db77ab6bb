import type { Field } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { filterToLogic, logicToFilter, operatorsFor } from './filter-logic';

const field = (type: Field['type'], options: Record<string, unknown> = {}): Field => ({
  id: 'f',
  name: 'f',
  type,
  label: {},
  required: false,
  unique: false,
  indexed: false,
  options,
  archived: false,
});

describe('filterToLogic', () => {
  it('joins complete conditions with and when all must match', () => {
    expect(
      filterToLogic({
        match: 'all',
        conditions: [
          { field: 'status', op: 'eq', value: 'ok' },
          { field: 'amount', op: 'ge', value: 100 },
        ],
      }),
    ).toEqual({ and: [{ '==': [{ var: 'status' }, 'ok'] }, { '>=': [{ var: 'amount' }, 100] }] });
  });

  it('joins with or when any may match and leaves out conditions without a value', () => {
    expect(
      filterToLogic({
        match: 'any',
        conditions: [
          { field: 'name', op: 'contains', value: '空压机' },
          { field: 'amount', op: 'gt' },
          { field: 'owner', op: 'empty' },
        ],
      }),
    ).toEqual({ or: [{ in: ['空压机', { var: 'name' }] }, { '==': [{ var: 'owner' }, null] }] });
  });

  it('is undefined when nothing is complete', () => {
    expect(filterToLogic({ match: 'all', conditions: [{ field: 'a', op: 'eq', value: '' }] })).toBeUndefined();
  });
});

describe('operatorsFor', () => {
  it('offers ordering on numbers and none on many-to-many', () => {
    expect(operatorsFor(field('integer'))).toContain('gt');
    expect(operatorsFor(field('manytomany'))).toEqual([]);
  });
  it('follows a formula result type', () => {
    expect(operatorsFor(field('formula', { resultType: 'text' }))).toContain('contains');
    expect(operatorsFor(field('formula', { resultType: 'number' }))).toContain('lt');
  });
});

describe('logicToFilter', () => {
  it('reads back what filterToLogic wrote', () => {
    const state = {
      match: 'any' as const,
      conditions: [
        { field: 'status', op: 'eq' as const, value: 'repair' },
        { field: 'name', op: 'contains' as const, value: 'A' },
        { field: 'owner', op: 'notEmpty' as const },
      ],
    };
    expect(logicToFilter(filterToLogic(state))).toEqual(state);
  });
  it('gives up on logic the builder cannot show', () => {
    expect(logicToFilter({ '+': [1, 2] })).toBeUndefined();
  });
});
