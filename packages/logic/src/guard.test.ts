import { describe, expect, it } from 'vitest';
import { checkRule } from './check';
import { compileFilter } from './compile';
import { evaluate } from './evaluate';
import { maxDepth, maxNodes } from './guard';
import { problemsOf, schema } from './test-support';
import { bindVariables, collectFields } from './variables';

const nots = (n: number): unknown => {
  let rule: unknown = { var: 'active' };
  for (let i = 0; i < n; i++) rule = { '!': [rule] };
  return rule;
};
const comparisons = (n: number, extra: number) => ({
  or: [...Array.from({ length: n }, () => ({ '==': [{ var: 'title' }, 'x'] })), ...Array.from({ length: extra }, () => true)],
});
const filter = (rule: unknown) => checkRule(rule, schema, { context: 'filter' });

describe('rule size and depth', () => {
  it(`accepts ${maxDepth} nested operators`, () => {
    expect(filter(nots(maxDepth - 1)).kind).toBe('boolean');
  });

  it(`refuses ${maxDepth + 1} nested operators at the operator that is too deep`, () => {
    expect(problemsOf(() => filter(nots(maxDepth)))).toEqual({ code: 'RULE_TOO_COMPLEX', problems: [['RULE_TOO_COMPLEX', `${'/!/0'.repeat(maxDepth)}`]] });
  });

  it(`accepts ${maxNodes} values and refuses ${maxNodes + 1}`, () => {
    expect(filter(comparisons(399, 3)).kind).toBe('boolean');
    expect(problemsOf(() => filter(comparisons(399, 4))).code).toBe('RULE_TOO_COMPLEX');
  });

  it.each([
    ['checkRule', (r: unknown) => filter(r)],
    ['evaluate', (r: unknown) => evaluate(r, {})],
    ['compileFilter', (r: unknown) => compileFilter(r, schema)],
    ['bindVariables', (r: unknown) => bindVariables(r, {})],
    ['collectFields', (r: unknown) => collectFields(r)],
  ])('%s refuses a 10,000-deep rule with RULE_TOO_COMPLEX instead of overflowing the stack', (_, fn) => {
    expect(problemsOf(() => fn(nots(10_000))).code).toBe('RULE_TOO_COMPLEX');
  });

  it('refuses 10,000 nested lists', () => {
    let rule: unknown = 1;
    for (let i = 0; i < 10_000; i++) rule = [rule];
    expect(problemsOf(() => filter({ in: [{ var: 'amount' }, rule] })).code).toBe('RULE_TOO_COMPLEX');
  });

  it('refuses a cyclic value', () => {
    const rule: { and: unknown[] } = { and: [] };
    rule.and.push(rule);
    expect(problemsOf(() => filter(rule)).code).toBe('RULE_TOO_COMPLEX');
  });

  it('refuses a huge flat rule after looking into at most maxNodes of its values', () => {
    // Work bounded by the limit, not by the rule's size (counted, not timed: a loaded machine cannot fail it).
    let inspected = 0;
    const counted = (v: unknown) =>
      new Proxy(v as object, {
        ownKeys(target) {
          inspected++;
          return Reflect.ownKeys(target);
        },
      });
    const rule = { or: comparisons(200_000, 0).or.map(counted) };
    expect(problemsOf(() => filter(rule)).code).toBe('RULE_TOO_COMPLEX');
    expect(inspected).toBeGreaterThan(0);
    expect(inspected).toBeLessThanOrEqual(maxNodes);
  });
});

describe('prototype pollution', () => {
  it.each([
    ['var __proto__', { var: '__proto__' }, '/'],
    ['var constructor.name', { var: 'constructor.name' }, '/'],
    ['var prototype', { '==': [{ var: 'prototype' }, 1] }, '/==/0'],
    ['a variable path through __proto__', { '==': [{ var: 'title' }, { var: '$user.__proto__.polluted' }] }, '/==/1'],
    ['a __proto__ key', JSON.parse('{"__proto__": {"==": [1, 1]}}'), '/'],
    ['a constructor key', { and: [JSON.parse('{"constructor": [1]}')] }, '/and/0'],
  ])('checkRule refuses %s with RULE_INVALID', (_, rule, path) => {
    expect(problemsOf(() => checkRule(rule, schema, { context: 'filter', variables: ['$user'] }))).toEqual({
      code: 'RULE_INVALID',
      problems: [['RULE_INVALID', path]],
    });
  });

  it.each([
    ['var __proto__', { var: '__proto__' }],
    ['var constructor.name', { var: 'constructor.name' }],
    ['a __proto__ key', JSON.parse('{"__proto__": {"var": "title"}}')],
    ['a variable path through constructor', { var: '$user.constructor.prototype' }],
  ])('evaluate refuses %s', (_, rule) => {
    expect(problemsOf(() => evaluate(rule, { title: 'x' }, { $user: {} })).code).toBe('RULE_INVALID');
  });

  it('leaves a variable path through __proto__ unbound, for checkRule and evaluate to refuse', () => {
    const hostile = JSON.parse('{"==": [{"var": "$user.__proto__.polluted"}, {"var": "title"}]}');
    const bound = bindVariables(hostile, JSON.parse('{"$user": {"__proto__": {"polluted": "yes"}}}'));
    expect(bound).toEqual(hostile);
    expect(problemsOf(() => evaluate(bound, {}, { $user: {} })).code).toBe('RULE_INVALID');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not read inherited properties of the record', () => {
    expect(evaluate({ var: 'toString' }, {})).toBeNull();
  });
});
