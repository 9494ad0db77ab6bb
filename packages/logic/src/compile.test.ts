import { describe, expect, it } from 'vitest';
import { compileFilter } from './compile';
import { problemsOf, schema, whereOf } from './test-support';
import type { LogicSchema } from './types';

const where = (rule: unknown, vars?: Record<string, unknown>) => whereOf(compileFilter(rule, schema, { alias: 'r', vars }));
const uuid = '0190a000-0000-7000-8000-00000000000a';

describe('compileFilter: equality', () => {
  it.each([
    ['== a value is =, with a typed parameter', { '==': [{ var: 'title' }, 'a'] }, '"r"."c_title" = $1::text', ['a']],
    ['== null is IS NULL, on either side', { '==': [null, { var: 'amount' }] }, '"r"."c_amount" is null', []],
    ['!= a value is IS DISTINCT FROM', { '!=': [{ var: 'amount' }, 5] }, '"r"."c_amount" is distinct from $1::numeric', [5]],
    ['!= null is IS NOT NULL', { '!==': [{ var: 'due' }, null] }, '"r"."c_due" is not null', []],
    ['== of two fields is IS NOT DISTINCT FROM', { '===': [{ var: 'title' }, { var: 'note' }] }, '"r"."c_title" is not distinct from "r"."c_note"', []],
    ['!= of two fields is IS DISTINCT FROM', { '!==': [{ var: 'amount' }, { var: 'count' }] }, '"r"."c_amount" is distinct from "r"."c_count"', []],
    ['a JSON null counts as null', { '==': [{ var: 'extra' }, null] }, `("r"."c_extra" is null or jsonb_typeof("r"."c_extra") = 'null')`, []],
    [
      'a JSON value that is not null is != null',
      { '!=': [{ var: 'extra' }, null] },
      `("r"."c_extra" is not null and jsonb_typeof("r"."c_extra") <> 'null')`,
      [],
    ],
    ['a date-time literal is normalised', { '==': [{ var: 'at' }, '2026-01-01T08:00:00+08:00'] }, '"r"."c_at" = $1::timestamptz', ['2026-01-01T00:00:00.000Z']],
    ['a uuid literal is lower-cased', { '==': [{ var: 'owner' }, uuid.toUpperCase()] }, '"r"."c_owner" = $1::uuid', [uuid]],
    ['a boolean literal is a parameter', { '==': [{ var: 'active' }, false] }, '"r"."c_active" = $1::boolean', [false]],
  ])('%s', (_, rule, sql, parameters) => {
    expect(where(rule)).toEqual({ sql, parameters });
  });
});

describe('compileFilter: ordering', () => {
  it.each([
    ['text orders under COLLATE "C" (code points)', { '<': [{ var: 'title' }, 'm'] }, '"r"."c_title" collate "C" < $1::text collate "C"', ['m']],
    [
      '<= with three operands is an inclusive between',
      { '<=': ['2026-01-01', { var: 'due' }, '2026-12-31'] },
      '($1::date <= "r"."c_due" and "r"."c_due" <= $2::date)',
      ['2026-01-01', '2026-12-31'],
    ],
    [
      '< with three operands is an exclusive between',
      { '<': [0, { var: 'amount' }, { var: 'count' }] },
      '($1::numeric < "r"."c_amount" and "r"."c_amount" < "r"."c_count")',
      [0],
    ],
    ['> compares date-times as instants', { '>': [{ var: 'at' }, '2026-01-01'] }, '"r"."c_at" > $1::timestamptz', ['2026-01-01T00:00:00.000Z']],
    ['>= against null is false', { '>=': [{ var: 'amount' }, null] }, 'false', []],
  ])('%s', (_, rule, sql, parameters) => {
    expect(where(rule)).toEqual({ sql, parameters });
  });
});

describe('compileFilter: in', () => {
  it.each([
    ['a list is one array parameter', { in: [{ var: 'owner' }, [uuid.toUpperCase()]] }, '"r"."c_owner" = any($1::uuid[])', [[uuid]]],
    ['a number list is a numeric array', { in: [{ var: 'count' }, [1, 2.5]] }, '"r"."c_count" = any($1::numeric[])', [[1, 2.5]]],
    ['a substring of a text field is strpos', { in: ['', { var: 'title' }] }, 'strpos("r"."c_title", $1::text) > 0', ['']],
    ['a field found in a text literal', { in: [{ var: 'title' }, 'abc'] }, 'strpos($1::text, "r"."c_title") > 0', ['abc']],
    ['an element of a text list is = any', { in: ['vip', { var: 'tags' }] }, '$1::text = any("r"."c_tags")', ['vip']],
    ['a field in a list field', { in: [{ var: 'title' }, { var: 'tags' }] }, '"r"."c_title" = any("r"."c_tags")', []],
    ['null is in nothing', { in: [null, { var: 'tags' }] }, 'false', []],
  ])('%s', (_, rule, sql, parameters) => {
    expect(where(rule)).toEqual({ sql, parameters });
  });

  it('keeps the SQL text whatever the length of the list', () => {
    const short = where({ in: [{ var: 'title' }, ['a']] });
    const long = where({ in: [{ var: 'title' }, ['a', 'b', 'c', 'd', 'e']] });
    const none = where({ in: [{ var: 'title' }, []] });
    expect([long.sql, none.sql]).toEqual([short.sql, short.sql]);
    expect(long.parameters).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });
});

describe('compileFilter: logic and truthiness', () => {
  it.each([
    ['text', 'title', `("r"."c_title" is not null and "r"."c_title" <> '')`],
    ['number', 'amount', `("r"."c_amount" is not null and "r"."c_amount" <> 0)`],
    ['boolean', 'active', '"r"."c_active" is true'],
    ['date', 'due', '"r"."c_due" is not null'],
    ['datetime', 'at', '"r"."c_at" is not null'],
    ['uuid', 'owner', '"r"."c_owner" is not null'],
    ['textList', 'tags', 'coalesce(cardinality("r"."c_tags"), 0) > 0'],
  ])('a bare %s field is its json-logic truthiness', (_, field, sql) => {
    expect(where({ var: field }).sql).toBe(sql);
  });

  it('a bare JSON field is true unless null, false, 0, "" or []', () => {
    expect(where({ '!!': [{ var: 'extra' }] }).sql).toBe(
      `(case jsonb_typeof("r"."c_extra") when 'object' then true when 'array' then "r"."c_extra" <> '[]'::jsonb when 'string' then "r"."c_extra" <> '""'::jsonb when 'number' then "r"."c_extra" <> '0'::jsonb when 'boolean' then "r"."c_extra" = 'true'::jsonb else false end)`,
    );
  });

  it('! is IS NOT TRUE, so a NULL comparison counts as false before negation', () => {
    expect(where({ '!': { '==': [{ var: 'amount' }, 5] } })).toEqual({ sql: '("r"."c_amount" = $1::numeric) is not true', parameters: [5] });
  });

  it('and/or join their operands, each as a predicate', () => {
    expect(where({ and: [{ var: 'active' }, { or: [{ var: 'due' }, { '==': [{ var: 'count' }, 1] }] }] }).sql).toBe(
      '("r"."c_active" is true and ("r"."c_due" is not null or "r"."c_count" = $1::numeric))',
    );
  });

  it('folds rules without fields to constants', () => {
    expect([where({ '<': ['a', 'b'] }).sql, where({ and: [true, 0] }).sql, where('').sql, where({ in: ['', ''] }).sql]).toEqual([
      'true',
      'false',
      'false',
      'true',
    ]);
  });
});

describe('compileFilter: parameters and identifiers', () => {
  it('never inlines a literal, however hostile', () => {
    const hostile = "x'); drop table users; --";
    expect(where({ '==': [{ var: 'title' }, hostile] })).toEqual({ sql: '"r"."c_title" = $1::text', parameters: [hostile] });
  });

  it('quotes identifiers and leaves them unqualified without an alias', () => {
    const odd: LogicSchema = { fields: { name: { name: 'name', column: 'we"ird', kind: 'text' } } };
    expect(whereOf(compileFilter({ var: 'name' }, odd)).sql).toBe(`("we""ird" is not null and "we""ird" <> '')`);
    expect(whereOf(compileFilter({ var: 'name' }, odd, { alias: 'a"b' })).sql).toBe(`("a""b"."we""ird" is not null and "a""b"."we""ird" <> '')`);
  });

  it('binds variables as parameters', () => {
    expect(
      where(
        { and: [{ '==': [{ var: 'owner' }, { var: '$user.id' }] }, { in: [{ var: 'title' }, { var: '$user.names' }] }] },
        { $user: { id: uuid, names: ['a'] } },
      ),
    ).toEqual({
      sql: '("r"."c_owner" = $1::uuid and "r"."c_title" = any($2::text[]))',
      parameters: [uuid, ['a']],
    });
  });

  it('compiles a variable bound to null as IS NULL', () => {
    expect(where({ '==': [{ var: 'owner' }, { var: '$user.id' }] }, { $user: { id: null } }).sql).toBe('"r"."c_owner" is null');
  });

  it('checks bound values against the field kind', () => {
    expect(problemsOf(() => where({ '==': [{ var: 'owner' }, { var: '$user.id' }] }, { $user: { id: 'not-a-uuid' } })).problems).toEqual([
      ['RULE_TYPE_MISMATCH', '/==/1'],
    ]);
  });

  it('refuses a variable that was not given', () => {
    expect(problemsOf(() => where({ '==': [{ var: 'owner' }, { var: '$user.id' }] })).code).toBe('RULE_FIELD_UNKNOWN');
  });

  it('refuses formula operators with RULE_OPERATOR_UNKNOWN', () => {
    expect(problemsOf(() => where({ '>': [{ '+': [{ var: 'amount' }, 1] }, 2] })).problems).toEqual([['RULE_OPERATOR_UNKNOWN', '/>/0']]);
  });

  it('refuses an invalid rule with every problem', () => {
    expect(problemsOf(() => where({ and: [{ var: 'nope' }, { '==': [{ var: 'amount' }, '1'] }] }))).toEqual({
      code: 'RULE_INVALID',
      problems: [
        ['RULE_FIELD_UNKNOWN', '/and/0'],
        ['RULE_TYPE_MISMATCH', '/and/1/==/1'],
      ],
    });
  });
});
