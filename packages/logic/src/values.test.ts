import * as jsonLogicModule from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { before, canonicalDatetime, canonicalUuid, compareCodePoints, contains, isDateLiteral, strictEquals, truthy } from './values';

const jsonLogic = ((jsonLogicModule as unknown as { default?: typeof jsonLogicModule }).default ?? jsonLogicModule) as typeof jsonLogicModule;
const samples: unknown[] = [[], [0], '', '0', 0, -0, 1, null, undefined, false, true, {}, 'a', Number.NaN];

describe('truthy', () => {
  it.each(samples.map((v) => [JSON.stringify(v) ?? String(v), v]))('agrees with json-logic-js on %s', (_, value) => {
    expect(truthy(value)).toBe(jsonLogic.truthy(value));
  });

  it('treats the empty list as false and a list holding 0 as true', () => {
    expect([truthy([]), truthy([0])]).toEqual([false, true]);
  });
});

describe('compareCodePoints', () => {
  it('sorts an astral character after U+FFFF, unlike UTF-16 order', () => {
    expect(compareCodePoints('𝟘', '\uFFFF')).toBeGreaterThan(0);
    expect('𝟘' < '\uFFFF').toBe(true);
  });

  it('sorts U+E000 before an emoji', () => {
    expect(compareCodePoints('\uE000', '😀')).toBeLessThan(0);
  });

  it('sorts upper case before lower case (code points, not a locale)', () => {
    expect(compareCodePoints('B', 'a')).toBeLessThan(0);
  });

  it('sorts a prefix first and equal strings as 0', () => {
    expect([compareCodePoints('ab', 'abc') < 0, compareCodePoints('七巧', '七巧')]).toEqual([true, 0]);
  });

  it('orders surrogate pairs by their code points', () => {
    expect(compareCodePoints('\u{1F600}', '\u{1F601}')).toBeLessThan(0);
    expect(compareCodePoints('\u{10000}', '\u{FFFFF}')).toBeLessThan(0);
  });
});

describe('strictEquals', () => {
  it.each([
    [5, '5', false],
    [0, null, false],
    ['', null, false],
    [null, undefined, true],
    [true, 1, false],
    [['a', 'b'], ['a', 'b'], true],
    [['a'], ['a', 'b'], false],
    [{ a: [1] }, { a: [1] }, true],
    [{ a: 1 }, { b: 1 }, false],
    [[], {}, false],
  ])('%j equals %j: %s', (a, b, expected) => {
    expect(strictEquals(a, b)).toBe(expected);
  });
});

describe('before and contains', () => {
  it('orders numbers numerically and gives false for null or mixed types', () => {
    expect([before(2, 10, false), before('2', 10, false), before(null, 1, false), before(1, 1, true), before(1, 1, false)]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
  });

  it("finds '' in any text but not in null, and never coerces", () => {
    expect([contains('', ''), contains('', 'abc'), contains('', null), contains(1, '123'), contains('1', [1])]).toEqual([true, true, false, false, false]);
  });

  it('finds nothing for a null needle, even in a list holding null', () => {
    expect(contains(null, [null])).toBe(false);
  });
});

describe('literal formats', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['0000-01-01', false],
    ['0001-01-01', true],
    ['9999-12-31', true],
    ['2024-1-01', false],
    ['2024-01-01T00:00:00Z', false],
  ])('date %s is valid: %s', (v, ok) => {
    expect(isDateLiteral(v)).toBe(ok);
  });

  it.each([
    ['2026-01-02T08:00:00+08:00', '2026-01-02T00:00:00.000Z'],
    ['2026-01-02T08:00+0800', '2026-01-02T00:00:00.000Z'],
    ['2026-01-01T23:30:00-01:00', '2026-01-02T00:30:00.000Z'],
    ['2026-01-02', '2026-01-02T00:00:00.000Z'],
    ['2026-01-02T00:00:00.123456789Z', '2026-01-02T00:00:00.123Z'],
    ['2026-01-02t00:00:00.9999z', '2026-01-02T00:00:01.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['2026-01-02T00:00:00', null],
    ['2026-02-30T00:00:00Z', null],
    ['2026-01-02T24:00:00Z', null],
    ['0001-01-01T00:00:00+01:00', null],
    ['9999-12-31T23:00:00-02:00', null],
    ['next tuesday', null],
  ])('date-time %s is %s', (v, canonical) => {
    expect(canonicalDatetime(v)).toBe(canonical);
  });

  it('writes UUIDs in lower case and refuses other text', () => {
    expect([canonicalUuid('0190A000-0000-7000-8000-00000000000A'), canonicalUuid('0190a0000000700080000000000000a')]).toEqual([
      '0190a000-0000-7000-8000-00000000000a',
      null,
    ]);
  });
});
