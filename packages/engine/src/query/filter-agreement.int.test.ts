import { type LogicSchema, type RuleVariables, type ValueKind, checkRule, compileFilter, evaluate, truthy } from '@tangram/logic';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { backends, dropSchema, openTestDatabase, uniqueSchemaName } from '../testing/databases';

// One column per kind (two for text and number, so fields can be compared with fields).
const columns = [
  { name: 'title', column: 't', kind: 'text', type: 'text' },
  { name: 'subtitle', column: 't2', kind: 'text', type: 'text' },
  { name: 'amount', column: 'n', kind: 'number', type: 'numeric(18,4)' },
  { name: 'count', column: 'i', kind: 'number', type: 'bigint' },
  { name: 'active', column: 'b', kind: 'boolean', type: 'boolean' },
  { name: 'due', column: 'd', kind: 'date', type: 'date' },
  { name: 'at', column: 'ts', kind: 'datetime', type: 'timestamptz(3)' },
  { name: 'ref', column: 'u', kind: 'uuid', type: 'uuid' },
  { name: 'tags', column: 'tl', kind: 'textList', type: 'text[]' },
  { name: 'data', column: 'j', kind: 'json', type: 'jsonb' },
] as const;
type Name = (typeof columns)[number]['name'];
type Row = Record<Name, unknown>;
const schema: LogicSchema = { fields: Object.fromEntries(columns.map(({ name, column, kind }) => [name, { name, column, kind }])) };
const fieldsOf = (kind: ValueKind): Name[] => columns.filter((c) => c.kind === kind).map((c) => c.name);

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const pieces = ['', 'a', 'b', 'A', 'ab', 'é', 'e\u0301', '七', '巧板', '😀', '\uFFFF', '\uE000', '𝟘', ' ', '%', '_', "'", '"', '\\', '{', ',', 'null'];
const text = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...pieces), { maxLength: 3 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }).filter((s) => !s.includes('\u0000') && !loneSurrogate.test(s)) },
);
const decimal = fc.tuple(fc.integer({ min: -999_999_999, max: 999_999_999 }), fc.integer({ min: 0, max: 4 })).map(([m, s]) => Number((m / 10 ** s).toFixed(s)));
const amount = fc.oneof(decimal, fc.constantFrom(0, 1, -1, 0.0001, -0.0001, 99_999_999_999.9999, -99_999_999_999.9999));
const count = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER));
const instant = fc.oneof(
  fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0001-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '2000-02-29T12:00:00.001Z', '9999-12-31T23:59:59.999Z'),
);
const date = instant.map((iso) => iso.slice(0, 10));
const uuids = [
  '00000000-0000-0000-0000-000000000000',
  '0190a000-0000-7000-8000-00000000000a',
  '7f000000-0000-4000-8000-000000000001',
  'ffffffff-ffff-4fff-bfff-ffffffffffff',
];
const elements = ['x', 'y', '', 'é', '😀', 'x,y', '"q"', '{}', 'NULL', 'a b'];
const tagList = fc.array(fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...elements) }, { weight: 1, arbitrary: fc.constant(null) }), { maxLength: 3 });
const jsonValue = fc.constantFrom<unknown>(null, 0, 1, -1.5, '', 'a', '0', [], [0], {}, { a: 1 }, true, false);
const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 5 });

const row: fc.Arbitrary<Row> = fc.record({
  title: nullable(text),
  subtitle: nullable(text),
  amount: nullable(amount),
  count: nullable(count),
  active: nullable(fc.boolean()),
  due: nullable(date),
  at: nullable(instant),
  ref: nullable(fc.constantFrom(...uuids)),
  tags: nullable(tagList),
  data: nullable(jsonValue.map((json) => ({ json }))), // null = SQL NULL, { json: null } = JSON null
});

// The same instant written with a time-zone offset or as a bare date, so the checker's normalisation is exercised.
function respell(iso: string): fc.Arbitrary<string> {
  const shifted = (minutes: number) => {
    const local = new Date(Date.parse(iso) + minutes * 60_000).toISOString().slice(0, 23);
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
  const ok = (s: string) => /^\d{4}-/.test(s) && !s.startsWith('0000') && !s.startsWith('10000');
  return fc.constantFrom(iso, shifted(330), shifted(-480), iso.slice(0, 10)).filter(ok);
}

/** Rules over a dataset: literals are often the dataset's own values (or pieces of them), so comparisons hit equality. */
function rulesFor(rows: Row[]): fc.Arbitrary<unknown> {
  const seen = (...names: Name[]) => rows.flatMap((r) => names.map((n) => r[n])).filter((v) => v !== null);
  const from = <T>(values: unknown[], base: fc.Arbitrary<T>) => (values.length ? fc.oneof(fc.constantFrom(...(values as T[])), base) : base);
  const texts = seen('title', 'subtitle') as string[];
  const piece = texts.length
    ? fc
        .constantFrom(...texts)
        .chain((s) =>
          fc.tuple(fc.nat(Array.from(s).length), fc.nat(Array.from(s).length)).map(([a, b]) => Array.from(s).slice(Math.min(a, b), Math.max(a, b)).join('')),
        )
    : text;
  const lit: Record<string, fc.Arbitrary<unknown>> = {
    text: fc.oneof(from(texts, text), piece),
    number: from(seen('amount', 'count'), fc.oneof(amount, count)),
    boolean: fc.boolean(),
    date: from(seen('due'), date),
    datetime: from<string>(seen('at'), instant).chain(respell),
    uuid: fc.constantFrom(...uuids).chain((u) => fc.constantFrom(u, u.toUpperCase())),
  };
  const field = (kind: ValueKind) => fc.constantFrom(...fieldsOf(kind)).map((f) => ({ var: f }));
  const scalar = fc.constantFrom<ValueKind>('text', 'number', 'boolean', 'date', 'datetime', 'uuid');
  const orderable = fc.constantFrom<ValueKind>('text', 'number', 'date', 'datetime');
  const anyField = fc.constantFrom(...columns.map((c) => c.name)).map((f) => ({ var: f }));
  const flip = (op: string, a: unknown, b: unknown, swap: boolean) => ({ [op]: swap ? [b, a] : [a, b] });
  const leaf = fc.oneof(
    scalar.chain((k) =>
      fc
        .tuple(
          fc.constantFrom('==', '===', '!=', '!=='),
          field(k),
          fc.oneof({ weight: 4, arbitrary: lit[k] as fc.Arbitrary<unknown> }, field(k), fc.constant(null)),
          fc.boolean(),
        )
        .map(([op, f, v, s]) => flip(op, f, v, s)),
    ),
    fc.tuple(fc.constantFrom('==', '!='), fc.constantFrom<ValueKind>('textList', 'json').chain(field), fc.boolean()).map(([op, f, s]) => flip(op, f, null, s)),
    orderable.chain((k) =>
      fc
        .tuple(
          fc.constantFrom('<', '<=', '>', '>='),
          field(k),
          fc.oneof({ weight: 4, arbitrary: lit[k] as fc.Arbitrary<unknown> }, field(k), fc.constant(null)),
          fc.boolean(),
        )
        .map(([op, f, v, s]) => flip(op, f, v, s)),
    ),
    orderable.chain((k) =>
      fc
        .tuple(fc.constantFrom('<', '<='), fc.oneof(lit[k] as fc.Arbitrary<unknown>, field(k)), field(k), fc.oneof(lit[k] as fc.Arbitrary<unknown>, field(k)))
        .map(([op, a, f, b]) => ({ [op]: [a, f, b] })),
    ),
    scalar.chain((k) => fc.tuple(field(k), fc.array(lit[k] as fc.Arbitrary<unknown>, { maxLength: 4 })).map(([f, list]) => ({ in: [f, list] }))),
    fc.tuple(fc.oneof(lit.text as fc.Arbitrary<unknown>, field('text')), field('text')).map(([n, h]) => ({ in: [n, h] })),
    fc.tuple(field('text'), lit.text as fc.Arbitrary<unknown>).map(([n, h]) => ({ in: [n, h] })),
    fc.tuple(fc.oneof(fc.constantFrom<unknown>(...elements), field('text')), field('textList')).map(([n, h]) => ({ in: [n, h] })),
    fc.tuple(fc.constantFrom('var', '!', '!!', '!bare'), anyField).map(([op, f]) => (op === 'var' ? f : op === '!bare' ? { '!': f } : { [op]: [f] })),
    fc.constantFrom<unknown>(true, false, 0, '', 'x', null, { '<': ['a', 'b'] }, { in: ['', ''] }),
    fc.constantFrom<unknown>(
      { '==': [{ var: 'ref' }, { var: '$user.id' }] },
      { in: [{ var: 'title' }, { var: '$user.names' }] },
      { '>': [{ var: 'at' }, { var: '$now' }] },
    ),
  );
  const { rule } = fc.letrec((tie) => ({
    rule: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('and'), tie('or'), tie('not')),
    and: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((r) => ({ and: r })),
    or: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((r) => ({ or: r })),
    not: tie('rule').map((r) => ({ '!': [r] })),
  }));
  return rule;
}

const variables = (rows: Row[]) =>
  fc.record({
    $user: fc.record({
      id: fc.constantFrom(null, ...uuids),
      names: fc.array(fc.constantFrom('', 'a', ...(rows.map((r) => r.title).filter((t) => t !== null) as string[])), { maxLength: 3 }),
    }),
    $now: instant,
  });

const blank = Object.fromEntries(columns.map((c) => [c.name, null])) as Row;
const fixedRows: Row[] = [
  {
    ...blank,
    title: 'abc',
    amount: 5,
    count: 5,
    active: true,
    due: '2024-02-29',
    at: '2024-01-01T00:00:00.000Z',
    ref: uuids[1],
    tags: ['x'],
    data: { json: null },
  },
  { ...blank, title: '', tags: [], data: { json: 0 } },
  { ...blank, amount: 6, count: 0, active: false, data: { json: {} } },
  { ...blank, title: '𝟘', amount: 0, tags: ['y', null] },
  { ...blank, title: '\uFFFF', amount: -0.5, data: { json: [] } },
  { ...blank, title: 'B', amount: 5.0001, data: { json: 'a' } },
];
const all = [0, 1, 2, 3, 4, 5];
const examples: [string, unknown, RuleVariables, number[]][] = [
  ['a missing number is != 5', { '!=': [{ var: 'amount' }, 5] }, {}, [1, 2, 3, 4, 5]],
  ['! of == selects the missing value too', { '!': { '==': [{ var: 'amount' }, 5] } }, {}, [1, 2, 3, 4, 5]],
  ['== null is IS NULL', { '==': [{ var: 'amount' }, null] }, {}, [1]],
  ["'' is in every text that is not missing", { in: ['', { var: 'title' }] }, {}, [0, 1, 3, 4, 5]],
  ["text orders by code point: '𝟘' (U+1D7D8) sorts after U+FFFF", { '<': [{ var: 'title' }, '\uFFFF'] }, {}, [0, 1, 5]],
  ["text orders by code point: 'B' < 'a'", { '<': [{ var: 'title' }, 'a'] }, {}, [1, 5]],
  ['ordering never selects a missing value', { '>=': [{ var: 'amount' }, -100] }, {}, [0, 2, 3, 4, 5]],
  ['the negation of an ordering selects the missing value', { '!': [{ '>=': [{ var: 'amount' }, -100] }] }, {}, [1]],
  ['<= with three operands is an inclusive between', { '<=': [0, { var: 'amount' }, 5] }, {}, [0, 3]],
  ['< with three operands is an exclusive between', { '<': [-0.5, { var: 'amount' }, 5.0001] }, {}, [0, 3]],
  ['nothing is in an empty list', { in: [{ var: 'amount' }, []] }, {}, []],
  ['everything is not in an empty list', { '!': { in: [{ var: 'amount' }, []] } }, {}, all],
  ['a list with a NULL element does not contain an absent element', { in: ['z', { var: 'tags' }] }, {}, []],
  ['the negation of absent membership selects every record', { '!': { in: ['z', { var: 'tags' }] } }, {}, all],
  ['an element is found in a list with a NULL element', { in: ['y', { var: 'tags' }] }, {}, [3]],
  ['an empty list is falsy', { '!!': { var: 'tags' } }, {}, [0, 3]],
  ['JSON null, 0, [] and SQL NULL are falsy', { '!!': [{ var: 'data' }] }, {}, [2, 5]],
  ['== null matches JSON null and SQL NULL', { '==': [{ var: 'data' }, null] }, {}, [0, 3]],
  ['a date-time literal with an offset means the same instant', { '==': [{ var: 'at' }, '2024-01-01T08:00:00+08:00'] }, {}, [0]],
  ['numeric and bigint fields compare by value, missing equal to missing', { '==': [{ var: 'amount' }, { var: 'count' }] }, {}, [0, 1]],
  ['an upper-case uuid literal matches', { '==': [{ var: 'ref' }, (uuids[1] as string).toUpperCase()] }, {}, [0]],
  ['a variable bound to null compares as IS NULL', { '==': [{ var: 'ref' }, { var: '$user.id' }] }, { $user: { id: null } }, [1, 2, 3, 4, 5]],
  ["! of a text is true for '' and missing", { '!': { var: 'title' } }, {}, [1, 2]],
  ['dates compare as dates', { '<': [{ var: 'due' }, '2024-03-01'] }, {}, [0]],
];

const rulesPerDataset = 50;
const datasets = Number(process.env.AGREEMENT_DATASETS ?? 60);

describe.each(await backends())('JSON Logic filters select the same records in SQL and in memory on %s', (backend) => {
  let database: Database;
  const ns = uniqueSchemaName('agree');

  async function load(table: string, rows: Row[]): Promise<void> {
    await sql`truncate ${sql.id(ns, table)}`.execute(database.db);
    for (const [id, r] of rows.entries()) {
      const values = columns.map((c) =>
        c.name === 'data'
          ? sql`cast(${r.data === null ? null : JSON.stringify((r.data as { json: unknown }).json)}::text as jsonb)`
          : sql`${r[c.name]}::${sql.raw(c.type)}`,
      );
      await sql`insert into ${sql.id(ns, table)} (id, ${sql.join(columns.map((c) => sql.id(c.column)))}) values (${id}, ${sql.join(values)})`.execute(
        database.db,
      );
    }
  }

  /** Ids selected in SQL and in memory (over the rows as the driver returns them). */
  async function select(table: string, rule: unknown, vars: RuleVariables = {}): Promise<{ inSql: number[]; inMemory: number[] }> {
    const checked = checkRule(rule, schema, { context: 'filter', variables: Object.keys(vars) }).rule;
    const q = database.db.withSchema(ns).selectFrom(`${table} as r`);
    const inSql = (
      await q
        .select('r.id')
        .where(compileFilter(rule, schema, { alias: 'r', vars }))
        .orderBy('r.id')
        .execute()
    ).map((r) => r.id as number);
    const stored = await q.selectAll().orderBy('r.id').execute();
    const records = stored.map((s) => ({ id: s.id as number, ...Object.fromEntries(columns.map((c) => [c.name, s[c.column]])) }));
    return { inSql, inMemory: records.filter((r) => truthy(evaluate(checked, r, vars))).map((r) => r.id) };
  }

  beforeAll(async () => {
    database = await openTestDatabase(backend, 2);
    await sql`create schema ${sql.id(ns)}`.execute(database.db);
    for (const table of ['probe', 'fixed'])
      await sql`create table ${sql.id(ns, table)} (id integer primary key, ${sql.join(columns.map((c) => sql`${sql.id(c.column)} ${sql.raw(c.type)}`))})`.execute(
        database.db,
      );
  });
  afterAll(async () => {
    await dropSchema(database.db, ns);
    await database.close();
  });

  it.each(examples)('agrees that %s', async (_, rule, vars, expected) => {
    await load('fixed', fixedRows);
    const { inSql, inMemory } = await select('fixed', rule, vars);
    expect(inMemory).toEqual(inSql);
    expect(inSql).toEqual(expected);
  });

  it(`agrees on ${datasets * rulesPerDataset} generated (filter, dataset) cases`, async () => {
    let cases = 0;
    const started = performance.now();
    const dataset = fc
      .array(row, { minLength: 6, maxLength: 12 })
      .chain((rows) => fc.tuple(fc.constant(rows), fc.array(rulesFor(rows), { minLength: rulesPerDataset, maxLength: rulesPerDataset }), variables(rows)));
    await fc.assert(
      fc.asyncProperty(dataset, async ([rows, rules, vars]) => {
        await load('probe', rows);
        for (const rule of rules) {
          cases++;
          const { inSql, inMemory } = await select('probe', rule, vars);
          expect({ rule, ids: inSql }).toEqual({ rule, ids: inMemory });
        }
      }),
      { numRuns: datasets, endOnFailure: true },
    );
    console.info(`filter agreement on ${backend}: ${cases} cases in ${Math.round(performance.now() - started)} ms`);
    expect(cases).toBeGreaterThanOrEqual(1000);
  });
});
