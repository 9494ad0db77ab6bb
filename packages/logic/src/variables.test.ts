import { describe, expect, it } from 'vitest';
import { problemsOf } from './test-support';
import { bindVariables, collectFields } from './variables';

const vars = { $user: { id: 'u1', departmentIds: ['d1', 'd2'], manager: null }, $now: '2026-01-01T00:00:00.000Z' };

describe('bindVariables', () => {
  it('replaces variables by their values and leaves fields alone', () => {
    expect(bindVariables({ and: [{ '==': [{ var: 'owner' }, { var: '$user.id' }] }, { '<': [{ var: 'at' }, { var: '$now' }] }] }, vars)).toEqual({
      and: [{ '==': [{ var: 'owner' }, 'u1'] }, { '<': [{ var: 'at' }, '2026-01-01T00:00:00.000Z'] }],
    });
  });

  it('binds a list as a literal list', () => {
    expect(bindVariables({ in: [{ var: 'dept' }, { var: '$user.departmentIds' }] }, vars)).toEqual({ in: [{ var: 'dept' }, ['d1', 'd2']] });
  });

  it('binds variables inside literal lists and in the unary shorthand', () => {
    expect(bindVariables({ in: [{ var: 'owner' }, [{ var: '$user.id' }, 'u9']] }, vars)).toEqual({ in: [{ var: 'owner' }, ['u1', 'u9']] });
    expect(bindVariables({ '!': { var: ['$user.manager'] } }, vars)).toEqual({ '!': null });
  });

  it('binds a missing path to null', () => {
    expect(bindVariables({ var: '$user.id.deeper' }, vars)).toBeNull();
    expect(bindVariables({ var: '$user.nickname' }, vars)).toBeNull();
  });

  it('leaves a variable whose root is not given, for checkRule to report', () => {
    expect(bindVariables({ var: '$tenant.id' }, vars)).toEqual({ var: '$tenant.id' });
  });

  it('binds a Date as its ISO string', () => {
    expect(bindVariables({ var: '$now' }, { $now: new Date('2026-05-06T07:08:09.010Z') })).toBe('2026-05-06T07:08:09.010Z');
  });

  it('does not read inherited properties', () => {
    expect(bindVariables({ var: '$user.toString' }, vars)).toBeNull();
  });

  it('refuses to bind an object, which JSON Logic would read as an operation', () => {
    expect(problemsOf(() => bindVariables({ '==': [{ var: 'x' }, { var: '$user' }] }, { $user: { var: 'secret' } }))).toEqual({
      code: 'RULE_INVALID',
      problems: [['RULE_INVALID', '/==/1']],
    });
  });

  it('refuses a list holding an object', () => {
    expect(problemsOf(() => bindVariables({ var: '$user.roles' }, { $user: { roles: [{ id: 1 }] } })).code).toBe('RULE_INVALID');
  });

  it('does not change the rule it was given', () => {
    const rule = { '==': [{ var: 'owner' }, { var: '$user.id' }] };
    bindVariables(rule, vars);
    expect(rule).toEqual({ '==': [{ var: 'owner' }, { var: '$user.id' }] });
  });
});

describe('collectFields', () => {
  it('lists each field once, in order, without variables', () => {
    expect(
      collectFields({ and: [{ '==': [{ var: 'stage' }, { var: '$user.id' }] }, { '!': { var: ['amount'] } }, { in: [{ var: 'stage' }, [{ var: 'owner' }]] }] }),
    ).toEqual(['stage', 'amount', 'owner']);
  });

  it('finds fields in formula operators too', () => {
    expect(collectFields({ if: [{ var: 'a' }, { '+': [{ var: 'b' }, 1] }, { cat: [{ var: 'c' }] }] })).toEqual(['a', 'b', 'c']);
  });

  it('ignores names that are not plain field names', () => {
    expect(collectFields({ and: [{ var: '__proto__' }, { var: '' }, { var: 5 }, { var: 'ok' }] })).toEqual(['ok']);
  });
});
