import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { problemsOf } from './test-support';

const record = { title: 'abc', empty: '', amount: 5, zero: 0, none: null, active: true, tags: ['vip', 'new'], noTags: [], at: '2026-01-01T00:00:00.000Z' };

describe('evaluate: comparisons', () => {
  it.each([
    ['== of equal numbers', { '==': [{ var: 'amount' }, 5] }, true],
    ['== never coerces a numeric string', { '==': [{ var: 'amount' }, '5'] }, false],
    ['== null matches a null value', { '==': [{ var: 'none' }, null] }, true],
    ['== null matches a missing field', { '==': [{ var: 'missing' }, null] }, true],
    ['== null does not match 0', { '==': [{ var: 'zero' }, null] }, false],
    ['=== behaves as ==', { '===': [{ var: 'title' }, 'abc'] }, true],
    ['!= of a null value and 5 is true', { '!=': [{ var: 'none' }, 5] }, true],
    ['!== behaves as !=', { '!==': [{ var: 'amount' }, 5] }, false],
    ['!= never coerces', { '!=': [{ var: 'zero' }, false] }, true],
    ['< of numbers', { '<': [{ var: 'amount' }, 10] }, true],
    ['< with null is false', { '<': [{ var: 'none' }, 10] }, false],
    ['< of mixed types is false', { '<': [{ var: 'amount' }, '10'] }, false],
    ['< between is exclusive', { '<': [5, { var: 'amount' }, 10] }, false],
    ['<= between is inclusive', { '<=': [5, { var: 'amount' }, 10] }, true],
    ['> of text by code point', { '>': ['𝟘', '\uFFFF'] }, true],
    ['>= of date-times', { '>=': [{ var: 'at' }, '2026-01-01T00:00:00.000Z'] }, true],
    ['>= with null is false', { '>=': [null, null] }, false],
  ])('%s', (_, rule, expected) => {
    expect(evaluate(rule, record)).toBe(expected);
  });
});

describe('evaluate: in', () => {
  it.each([
    ['membership in a list', { in: [{ var: 'amount' }, [1, 5]] }, true],
    ['membership never coerces', { in: [{ var: 'amount' }, ['5']] }, false],
    ['a null value is in no list', { in: [{ var: 'none' }, [null]] }, false],
    ['nothing is in the empty list', { in: [{ var: 'amount' }, []] }, false],
    ['a substring', { in: ['bc', { var: 'title' }] }, true],
    ["'' is in any text", { in: ['', { var: 'title' }] }, true],
    ["'' is in ''", { in: ['', { var: 'empty' }] }, true],
    ["'' is not in null", { in: ['', { var: 'none' }] }, false],
    ['an element of a text list', { in: ['vip', { var: 'tags' }] }, true],
    ['not an element of a null list', { in: ['vip', { var: 'none' }] }, false],
  ])('%s', (_, rule, expected) => {
    expect(evaluate(rule, record)).toBe(expected);
  });
});

describe('evaluate: logic and truthiness', () => {
  it.each([
    ['and returns the first falsy value', { and: [{ var: 'title' }, { var: 'zero' }, true] }, 0],
    ['and returns the last value when all are truthy', { and: [true, { var: 'title' }] }, 'abc'],
    ['or returns the first truthy value', { or: [{ var: 'empty' }, { var: 'amount' }] }, 5],
    ['! of an empty list is true', { '!': [{ var: 'noTags' }] }, true],
    ['! of a non-empty list is false', { '!': { var: 'tags' } }, false],
    ["!! of '' is false", { '!!': [{ var: 'empty' }] }, false],
    ['!! of 0 is false', { '!!': [{ var: 'zero' }] }, false],
    ['!! of a missing field is false', { '!!': [{ var: 'missing' }] }, false],
  ])('%s', (_, rule, expected) => {
    expect(evaluate(rule, record)).toEqual(expected);
  });
});

describe('evaluate: formulas', () => {
  it.each([
    ['+ adds', { '+': [{ var: 'amount' }, 1, 0.5] }, 6.5],
    ['+ with null gives null', { '+': [{ var: 'amount' }, { var: 'none' }] }, null],
    ['+ never parses text', { '+': ['1', 1] }, null],
    ['- subtracts', { '-': [{ var: 'amount' }, 7] }, -2],
    ['- negates', { '-': [{ var: 'amount' }] }, -5],
    ['* multiplies', { '*': [{ var: 'amount' }, 3] }, 15],
    ['/ divides', { '/': [{ var: 'amount' }, 2] }, 2.5],
    ['/ by zero gives null', { '/': [{ var: 'amount' }, 0] }, null],
    ['% gives the remainder', { '%': [7, { var: 'amount' }] }, 2],
    ['% by zero gives null', { '%': [7, 0] }, null],
    ['min ignores nulls', { min: [{ var: 'amount' }, null, 3] }, 3],
    ['max of nulls is null', { max: [null, { var: 'none' }] }, null],
    ['if picks the branch of the first truthy condition', { if: [{ var: 'zero' }, 'a', { var: 'active' }, 'b', 'c'] }, 'b'],
    ['if without else gives null', { if: [false, 'a'] }, null],
    ['?: is a ternary', { '?:': [{ var: 'active' }, 'yes', 'no'] }, 'yes'],
    ['cat joins, null as empty text', { cat: [{ var: 'title' }, '-', { var: 'none' }, { var: 'amount' }, { var: 'active' }] }, 'abc-5true'],
    ['substr counts code points', { substr: ['😀abc', 1, 2] }, 'ab'],
    ['substr from the end', { substr: ['七巧板😀', -2] }, '板😀'],
    ['substr with a negative length drops from the end', { substr: ['😀abc', 0, -1] }, '😀ab'],
    ['substr of null is null', { substr: [{ var: 'none' }, 0, 1] }, null],
    ['addMinutes moves a datetime', { addMinutes: ['2031-05-10T23:30:00.000Z', 45] }, '2031-05-11T00:15:00.000Z'],
    ['addMinutes moves back', { addMinutes: ['2031-05-10T00:00:00.000Z', -1440] }, '2031-05-09T00:00:00.000Z'],
    ['addMinutes from a date starts at its UTC midnight', { addMinutes: ['2031-05-10', 90] }, '2031-05-10T01:30:00.000Z'],
    ['addMinutes of null is null', { addMinutes: [{ var: 'none' }, 5] }, null],
    ['addMinutes of null minutes is null', { addMinutes: ['2031-05-10T00:00:00.000Z', null] }, null],
    ['addMinutes of a text that is no time is null', { addMinutes: ['soon', 5] }, null],
    ['date of a year, month and day', { date: [2031, 4, 1] }, '2031-04-01'],
    ['date day 0 is the last day of the month before', { date: [2031, 4, 0] }, '2031-03-31'],
    ['date day 0 of March in a leap year', { date: [2032, 3, 0] }, '2032-02-29'],
    ['date month 13 rolls into the next year', { date: [2031, 13, 0] }, '2031-12-31'],
    ['date of a year below 100 is that year', { date: [7, 1, 1] }, '0007-01-01'],
    ['date of null is null', { date: [{ var: 'none' }, 1, 1] }, null],
    ['date of a fraction is null', { date: [2031, 1.5, 1] }, null],
    ['date past year 9999 is null', { date: [9999, 13, 1] }, null],
  ])('%s', (_, rule, expected) => {
    expect(evaluate(rule, record)).toEqual(expected);
  });
});

describe('evaluate: variables and values', () => {
  it('reads $ variables by path', () => {
    expect(evaluate({ in: [{ var: 'title' }, { var: '$user.names' }] }, record, { $user: { names: ['abc'] } })).toBe(true);
  });

  it('reads a missing variable path as null', () => {
    expect(evaluate({ var: '$user.id.x' }, record, { $user: { id: 'u' } })).toBeNull();
  });

  it('reads a Date variable as its ISO string', () => {
    expect(evaluate({ '>=': [{ var: 'at' }, { var: '$now' }] }, record, { $now: new Date('2026-01-01T00:00:00Z') })).toBe(true);
  });

  it('reads field names literally, not as paths into values', () => {
    expect(evaluate({ var: 'title.length' }, record)).toBeNull();
  });

  it('returns literals as they are', () => {
    expect([evaluate(5, {}), evaluate('x', {}), evaluate(null, {})]).toEqual([5, 'x', null]);
  });
});

describe('evaluate: refusals', () => {
  it.each([
    ['an unknown operator', { regex: ['a', 'b'] }, 'RULE_OPERATOR_UNKNOWN'],
    ['json-logic-js map', { map: [[1], { var: '' }] }, 'RULE_OPERATOR_UNKNOWN'],
    ['json-logic-js log', { log: 'x' }, 'RULE_OPERATOR_UNKNOWN'],
    ['a computed var name', { var: { cat: ['ti', 'tle'] } }, 'RULE_INVALID'],
    ['an object with two keys inside a rule', { '!': [{ a: 1, b: 2 }] }, 'RULE_INVALID'],
    ['a function', { '==': [() => 1, 1] }, 'RULE_INVALID'],
  ])('refuses %s', (_, rule, code) => {
    expect(problemsOf(() => evaluate(rule, record)).code).toBe(code);
  });

  it('refuses the same invalid rule object every time it is evaluated', () => {
    const rule = { regex: ['a', 'b'] };
    expect([problemsOf(() => evaluate(rule, record)).code, problemsOf(() => evaluate(rule, record)).code]).toEqual([
      'RULE_OPERATOR_UNKNOWN',
      'RULE_OPERATOR_UNKNOWN',
    ]);
  });
});
