import type { Field, FieldTypeName } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import type { FieldType } from './field-type';
import { fieldTypes, filterOperators, referenceTypes } from './registry';

const all = Object.values(fieldTypes) as FieldType[];
const typesWith = (has: (t: FieldType) => unknown): FieldTypeName[] =>
  all
    .filter(has)
    .map((t) => t.type)
    .sort();
const field = (type: FieldTypeName, options: Record<string, unknown> = {}): Field => ({
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

// The capabilities below were branches on the type name in the engine, the server and the web app;
// these tables are those branches, so moving them onto the field types changed nothing.
describe('field type capabilities', () => {
  it('say which types point at records, in which shape, at what and with which delete rule', () => {
    expect([...referenceTypes].sort()).toEqual(['lookup', 'manytomany', 'masterdetail']);
    expect(typesWith((t) => t.reference?.shape === 'single')).toEqual(['department', 'lookup', 'masterdetail', 'user']);
    expect(typesWith((t) => t.reference?.shape === 'junction')).toEqual(['manytomany']);
    expect(typesWith((t) => t.reference?.master)).toEqual(['masterdetail']);
    const ref = (type: FieldTypeName, options: Record<string, unknown> = { target: 'account' }) => {
      const r = fieldTypes[type].reference!;
      return [r.target(field(type, options)), r.onDelete(field(type, options))];
    };
    expect(ref('lookup')).toEqual(['account', 'restrict']);
    expect(ref('lookup', { target: 'account', onDelete: 'setNull' })).toEqual(['account', 'set null']);
    expect(ref('masterdetail')).toEqual(['account', 'cascade']);
    expect(ref('user')).toEqual(['_user', 'set null']);
    expect(ref('department')).toEqual(['_department', 'set null']);
  });

  it('say how computed types are computed', () => {
    expect(Object.fromEntries(all.filter((t) => t.computed).map((t) => [t.type, t.computed]))).toEqual({
      autonumber: 'sequence',
      formula: 'expression',
      rollup: 'aggregate',
    });
  });

  it('group types into the value families type changes convert between', () => {
    expect(Object.fromEntries(all.filter((t) => t.conversion).map((t) => [t.type, t.conversion?.family]))).toEqual({
      text: 'text',
      textarea: 'text',
      richtext: 'text',
      email: 'text',
      phone: 'text',
      url: 'text',
      select: 'text',
      integer: 'bigint',
      decimal: 'numeric',
      currency: 'numeric',
      percent: 'numeric',
      boolean: 'boolean',
      date: 'date',
      datetime: 'datetime',
      multiselect: 'textList',
      json: 'json',
    });
  });

  it('mark search, uniqueness, files, dates, lanes, option lists and duplicate checks', () => {
    expect(typesWith((t) => t.textSearch)).toEqual(['autonumber', 'email', 'phone', 'richtext', 'text', 'textarea', 'url']);
    expect(typesWith((t) => t.alwaysUnique)).toEqual(['autonumber']);
    expect(typesWith((t) => t.holdsFiles)).toEqual(['attachment']);
    expect(typesWith((t) => t.toColumn)).toEqual(['attachment', 'json']);
    expect(Object.fromEntries(all.filter((t) => t.temporal).map((t) => [t.type, t.temporal]))).toEqual({ date: 'day', datetime: 'instant' });
    expect(typesWith((t) => t.kanbanLanes)).toEqual(['select']);
    expect(typesWith((t) => t.optionList)).toEqual(['multiselect', 'select']);
    expect(typesWith((t) => t.titleCandidate)).toEqual(['text']);
    expect(Object.fromEntries(all.filter((t) => t.duplicateMatches).map((t) => [t.type, t.duplicateMatches]))).toEqual({
      text: ['exact', 'company'],
      email: ['exact'],
      phone: ['phone', 'exact'],
    });
  });

  it('offer the filter operators of the type or of its kind', () => {
    const text = ['contains', 'eq', 'ne', 'empty', 'notEmpty'];
    const ordered = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'empty', 'notEmpty'];
    const equality = ['eq', 'ne', 'empty', 'notEmpty'];
    const presence = ['empty', 'notEmpty'];
    const expected: Record<Exclude<FieldTypeName, 'formula'>, string[]> = {
      text,
      textarea: text,
      richtext: text,
      email: text,
      phone: text,
      url: text,
      autonumber: text,
      integer: ordered,
      decimal: ordered,
      currency: ordered,
      percent: ordered,
      rollup: ordered,
      date: ordered,
      datetime: ordered,
      boolean: ['eq'],
      select: equality,
      multiselect: ['contains', 'empty', 'notEmpty'],
      lookup: equality,
      masterdetail: equality,
      user: equality,
      department: equality,
      attachment: presence,
      json: presence,
      manytomany: [],
    };
    for (const [type, ops] of Object.entries(expected)) expect(filterOperators(field(type as FieldTypeName)), type).toEqual(ops);
    expect(filterOperators(field('formula', { resultType: 'number' }))).toEqual(ordered);
    expect(filterOperators(field('formula', { resultType: 'date' }))).toEqual(ordered);
    expect(filterOperators(field('formula', { resultType: 'boolean' }))).toEqual(['eq']);
    expect(filterOperators(field('formula', { resultType: 'text' }))).toEqual(text);
  });

  it('coerce a formula result to its result type, and give the OpenAPI schema of a value', () => {
    const coerce = fieldTypes.formula.coerce!;
    expect(coerce(1.005, field('formula', { resultType: 'number', precision: 4, scale: 1 }))).toBe(1);
    expect(coerce(12345, field('formula', { resultType: 'number', precision: 4, scale: 1 }))).toBeNull();
    expect(coerce('2026-02-30', field('formula', { resultType: 'date' }))).toBeNull();
    expect(coerce(0, field('formula', { resultType: 'boolean' }))).toBe(false);
    expect(coerce({ a: 1 }, field('formula', { resultType: 'text' }))).toBe('{"a":1}');
    const described = { type: 'string', title: 'T' };
    expect(fieldTypes.select.apiSchema!(field('select', { options: [{ key: 'a' }, { key: 'b', archived: true }] }), described)).toEqual({
      anyOf: [{ type: 'string', title: 'T', enum: ['a', 'b'] }, { type: 'null' }],
    });
    expect(fieldTypes.json.apiSchema!(field('json'), described)).toEqual({ title: 'T' });
    expect(fieldTypes.text.apiSchema).toBeUndefined();
  });
});
