import { describe, expect, it } from 'vitest';
import { checkRule } from './check';
import { problemsOf, schema } from './test-support';

const filter = (rule: unknown, variables?: string[]) => checkRule(rule, schema, { context: 'filter', variables });
const failure = (rule: unknown, context: 'filter' | 'validation' | 'formula' = 'filter') => problemsOf(() => checkRule(rule, schema, { context }));

describe('checkRule accepts every filter operator', () => {
  it.each([
    ['var', { var: 'title' }, 'text'],
    ['==', { '==': [{ var: 'title' }, 'a'] }, 'boolean'],
    ['===', { '===': [{ var: 'amount' }, 1] }, 'boolean'],
    ['!=', { '!=': [{ var: 'active' }, true] }, 'boolean'],
    ['!==', { '!==': [{ var: 'owner' }, null] }, 'boolean'],
    ['<', { '<': [{ var: 'amount' }, 1] }, 'boolean'],
    ['< between', { '<': ['2024-01-01', { var: 'due' }, '2025-01-01'] }, 'boolean'],
    ['<=', { '<=': [{ var: 'title' }, { var: 'note' }] }, 'boolean'],
    ['<= between', { '<=': [0, { var: 'count' }, 10] }, 'boolean'],
    ['>', { '>': [{ var: 'at' }, '2024-01-01T00:00:00Z'] }, 'boolean'],
    ['>=', { '>=': [{ var: 'due' }, '2024-01-01'] }, 'boolean'],
    ['and', { and: [{ var: 'active' }, { '==': [{ var: 'title' }, 'a'] }] }, 'boolean'],
    ['or', { or: [{ var: 'title' }, { var: 'note' }] }, 'text'],
    ['!', { '!': [{ var: 'tags' }] }, 'boolean'],
    ['!!', { '!!': { var: 'extra' } }, 'boolean'],
    ['in a list', { in: [{ var: 'amount' }, [1, 2.5]] }, 'boolean'],
    ['in a text', { in: ['abc', { var: 'title' }] }, 'boolean'],
    ['in a text list', { in: ['vip', { var: 'tags' }] }, 'boolean'],
    ['a literal', true, 'boolean'],
    ['null', null, 'null'],
  ])('%s', (_, rule, kind) => {
    expect(filter(rule).kind).toBe(kind);
  });
});

describe('checkRule normalises', () => {
  it('rewrites date-time literals compared with date-time fields to toISOString() form', () => {
    expect(filter({ '>=': [{ var: 'at' }, '2026-01-01T08:00:00+08:00'] }).rule).toEqual({ '>=': [{ var: 'at' }, '2026-01-01T00:00:00.000Z'] });
  });

  it('rewrites every date-time literal of a list and of a between', () => {
    expect(filter({ in: [{ var: 'at' }, ['2026-01-01']] }).rule).toEqual({ in: [{ var: 'at' }, ['2026-01-01T00:00:00.000Z']] });
    expect(filter({ '<': ['2026-01-01', { var: 'at' }, '2026-01-02Z'.replace('Z', '')] }).rule).toEqual({
      '<': ['2026-01-01T00:00:00.000Z', { var: 'at' }, '2026-01-02T00:00:00.000Z'],
    });
  });

  it('writes UUID literals in lower case', () => {
    expect(filter({ '==': ['0190A000-0000-7000-8000-00000000000A', { var: 'owner' }] }).rule).toEqual({
      '==': ['0190a000-0000-7000-8000-00000000000a', { var: 'owner' }],
    });
  });

  it('writes unary shorthand and var lists in the long form', () => {
    expect(filter({ '!': { var: ['title'] } }).rule).toEqual({ '!': [{ var: 'title' }] });
  });

  it('leaves text compared with text as it is', () => {
    expect(filter({ '==': [{ var: 'title' }, '2026-01-01T08:00:00+08:00'] }).rule).toEqual({ '==': [{ var: 'title' }, '2026-01-01T08:00:00+08:00'] });
  });

  it('does not change the rule it was given', () => {
    const rule = { '==': [{ var: 'at' }, '2026-01-01'] };
    filter(rule);
    expect(rule).toEqual({ '==': [{ var: 'at' }, '2026-01-01'] });
  });
});

describe('checkRule reports problems with their paths', () => {
  it('reports every problem at once, under RULE_INVALID when their codes differ', () => {
    const rule = { and: [{ '==': [{ var: 'nope' }, 1] }, { '>': [{ var: 'title' }, 5] }, { regex: [1] }, { '==': [1] }] };
    expect(failure(rule)).toEqual({
      code: 'RULE_INVALID',
      problems: [
        ['RULE_FIELD_UNKNOWN', '/and/0/==/0'],
        ['RULE_TYPE_MISMATCH', '/and/1/>/1'],
        ['RULE_OPERATOR_UNKNOWN', '/and/2'],
        ['RULE_INVALID', '/and/3'],
      ],
    });
  });

  it('uses the problems’ code when they share one', () => {
    expect(failure({ or: [{ var: 'a' }, { var: 'b' }] })).toEqual({
      code: 'RULE_FIELD_UNKNOWN',
      problems: [
        ['RULE_FIELD_UNKNOWN', '/or/0'],
        ['RULE_FIELD_UNKNOWN', '/or/1'],
      ],
    });
  });

  it('escapes / and ~ in paths as JSON pointers do', () => {
    expect(failure({ '/': [{ var: 'amount' }, 'x'] }, 'formula').problems).toEqual([['RULE_TYPE_MISMATCH', '/~1/1']]);
  });

  it.each([
    ['a number literal against a text field', { '==': [{ var: 'title' }, 5] }, '/==/1'],
    ['a numeric string against a number field', { '==': [{ var: 'amount' }, '5'] }, '/==/1'],
    ['an impossible date', { '<': [{ var: 'due' }, '2026-02-30'] }, '/</1'],
    ['a date-time without a time zone', { '<': [{ var: 'at' }, '2026-02-01T10:00'] }, '/</1'],
    ['a malformed uuid', { '==': [{ var: 'owner' }, 'not-a-uuid'] }, '/==/1'],
    ['ordering booleans', { '<': [{ var: 'active' }, true] }, '/'],
    ['ordering uuids', { '>': [{ var: 'owner' }, { var: 'owner' }] }, '/'],
    ['a list field compared with a value', { '==': [{ var: 'tags' }, 'a'] }, '/==/1'],
    ['a JSON field compared with a JSON field', { '!=': [{ var: 'extra' }, { var: 'extra' }] }, '/!=/1'],
    ['a date field against a date-time field', { '==': [{ var: 'due' }, { var: 'at' }] }, '/==/1'],
    ['a between of mixed kinds', { '<': [1, { var: 'amount' }, 'z'] }, '/</2'],
    ['null in a list', { in: [{ var: 'title' }, ['a', null]] }, '/in/1/1'],
    ['a list item of the wrong kind', { in: [{ var: 'amount' }, [1, 'two']] }, '/in/1/1'],
    ['a list field looked up in a list', { in: [{ var: 'tags' }, ['a']] }, '/in/0'],
    ['a number looked up in a text', { in: [5, { var: 'title' }] }, '/in/0'],
    ['a lookup in a number field', { in: ['a', { var: 'amount' }] }, '/in/1'],
    ['$now against a date field', { '<': [{ var: 'due' }, { var: '$now' }] }, '/</1'],
  ])('RULE_TYPE_MISMATCH for %s', (_, rule, path) => {
    expect(problemsOf(() => checkRule(rule, schema, { context: 'filter', variables: ['$now'] }))).toEqual({
      code: 'RULE_TYPE_MISMATCH',
      problems: [['RULE_TYPE_MISMATCH', path]],
    });
  });

  it.each([
    ['an object with two keys', { '==': [1, 1], '!=': [1, 2] }, '/'],
    ['an empty object', { and: [{}] }, '/and/0'],
    ['a function', { '==': [{ var: 'title' }, () => 'x'] }, '/==/1'],
    ['NaN', { '==': [{ var: 'amount' }, Number.NaN] }, '/==/1'],
    ['a Date object', { '==': [{ var: 'at' }, new Date(0)] }, '/==/1'],
    ['U+0000 in a literal', { '==': [{ var: 'title' }, 'a\u0000b'] }, '/==/1'],
    ['U+0000 in a field name', { var: 'ti\u0000tle' }, '/'],
    ['an empty and', { and: [] }, '/'],
    ['== with three operands', { '==': [{ var: 'title' }, 'a', 'b'] }, '/'],
    ['! with two operands', { '!': [true, false] }, '/'],
    ['a list outside in', { '==': [{ var: 'title' }, ['a']] }, '/==/1'],
    ['a list as the rule', [{ var: 'title' }], '/'],
    ['an operation as a comparison operand in a filter', { '==': [{ '!': [{ var: 'active' }] }, true] }, '/==/0'],
    ['an operation inside a list', { in: [{ var: 'title' }, [{ '!': [true] }]] }, '/in/1/0'],
    ['a var default', { var: ['title', 'x'] }, '/'],
    ['a var that is not a name', { var: { cat: ['ti', 'tle'] } }, '/'],
  ])('RULE_INVALID for %s', (_, rule, path) => {
    expect(failure(rule)).toEqual({ code: 'RULE_INVALID', problems: [['RULE_INVALID', path]] });
  });

  it.each([
    ['an unknown operator', { or: [true, { regex: ['a', 'b'] }] }, '/or/1'],
    ['a formula operator in a filter', { '>': [{ '+': [{ var: 'amount' }, 1] }, 1] }, '/>/0'],
    ['json-logic-js operators Tangram does not offer', { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'a'] }] }, '/'],
    ['log', { log: 'x' }, '/'],
  ])('RULE_OPERATOR_UNKNOWN for %s', (_, rule, path) => {
    expect(failure(rule).problems).toEqual([['RULE_OPERATOR_UNKNOWN', path]]);
  });

  it.each([
    ['a field not in the schema', { var: 'missing' }],
    ['the empty name', { var: '' }],
    ['a dotted path into a field', { var: 'title.length' }],
    ['a variable root not given', { var: '$user.id' }],
    ['an inherited property name', { var: 'toString' }],
  ])('RULE_FIELD_UNKNOWN for %s', (_, rule) => {
    expect(failure(rule)).toEqual({ code: 'RULE_FIELD_UNKNOWN', problems: [['RULE_FIELD_UNKNOWN', '/']] });
  });
});

describe('checkRule variables', () => {
  it('allows the variable roots given, whatever their path', () => {
    expect(filter({ in: [{ var: 'owner' }, { var: '$user.subordinateIds' }] }, ['$user']).rule).toEqual({
      in: [{ var: 'owner' }, { var: '$user.subordinateIds' }],
    });
  });

  it('gives $now the date-time kind and $today the date kind', () => {
    expect(checkRule({ var: '$now' }, schema, { context: 'formula', variables: ['$now'] }).kind).toBe('datetime');
    expect(checkRule({ var: '$today' }, schema, { context: 'formula', variables: ['$today'] }).kind).toBe('date');
  });

  it('lets another variable take the kind of what it is compared with', () => {
    expect(filter({ '<': [{ var: 'due' }, { var: '$user.birthday' }] }, ['$user']).kind).toBe('boolean');
  });
});

describe('checkRule in formulas and validation rules', () => {
  const formula = (rule: unknown) => checkRule(rule, schema, { context: 'formula', variables: ['$now'] }).kind;

  it.each([
    ['+', { '+': [{ var: 'amount' }, 1, { var: 'count' }] }, 'number'],
    ['-', { '-': [{ var: 'amount' }] }, 'number'],
    ['*', { '*': [{ var: 'amount' }, 2] }, 'number'],
    ['/', { '/': [{ var: 'amount' }, 2] }, 'number'],
    ['%', { '%': [{ var: 'count' }, 2] }, 'number'],
    ['min', { min: [{ var: 'amount' }, 0] }, 'number'],
    ['max', { max: [{ var: 'amount' }, 0] }, 'number'],
    ['cat', { cat: [{ var: 'title' }, ' ', { var: 'amount' }] }, 'text'],
    ['substr', { substr: [{ var: 'title' }, 0, 3] }, 'text'],
    ['addMinutes', { addMinutes: [{ var: '$now' }, { '*': [{ var: 'amount' }, 60] }] }, 'datetime'],
    ['date', { date: [2031, { '+': [{ var: 'amount' }, 1] }, 0] }, 'date'],
    ['if', { if: [{ var: 'active' }, { var: 'due' }, '2026-01-01'] }, 'date'],
    ['?:', { '?:': [{ var: 'active' }, 'yes', null] }, 'text'],
    ['a comparison of computed values', { '>': [{ '*': [{ var: 'amount' }, 2] }, 10] }, 'boolean'],
  ])('%s gives its kind', (_, rule, kind) => {
    expect(formula(rule)).toBe(kind);
  });

  it('$user.id is a uuid (a user field can be set to who made the change)', () => {
    expect(checkRule({ var: '$user.id' }, schema, { context: 'formula', variables: ['$user'] }).kind).toBe('uuid');
  });

  it('date takes three numbers', () => {
    for (const bad of [{ date: [{ var: 'title' }, 1, 1] }, { date: [2031, 1] }, { date: [2031, 'May', 1] }])
      expect(() => checkRule(bad, schema, { context: 'formula' }), JSON.stringify(bad)).toThrow();
  });

  it('addMinutes takes a date or datetime and a number of minutes', () => {
    for (const bad of [{ addMinutes: [{ var: 'title' }, 5] }, { addMinutes: [{ var: '$now' }, 'soon'] }, { addMinutes: [{ var: '$now' }] }])
      expect(() => formula(bad), JSON.stringify(bad)).toThrow();
  });

  it('refuses arithmetic on text, with the operand’s path', () => {
    expect(failure({ '+': [{ var: 'amount' }, { var: 'title' }] }, 'formula')).toEqual({
      code: 'RULE_TYPE_MISMATCH',
      problems: [['RULE_TYPE_MISMATCH', '/+/1']],
    });
  });

  it('refuses if-branches of different kinds', () => {
    expect(failure({ if: [{ var: 'active' }, 1, { var: 'title' }] }, 'formula').problems).toEqual([['RULE_TYPE_MISMATCH', '/if/2']]);
  });

  it('allows formula operators in validation rules', () => {
    expect(checkRule({ '<=': [{ '+': [{ var: 'amount' }, { var: 'count' }] }, 100] }, schema, { context: 'validation' }).kind).toBe('boolean');
  });
});
