import { randomUUID } from 'node:crypto';
import { fieldTypes, normalizeValue, resolveApp, valueProblem } from '@tangram/fields';
import type { Field, FieldTypeName, ResolvedApp } from '@tangram/metadata';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { backends, dropSchema, openTestDatabase, uniqueSchemaName } from '../testing/databases';
import type { Action } from './actions';
import { applyActions, failingRows } from './apply';
import { conversion } from './conversions';
import { planMigration } from './plan';

/**
 * The class test of type changes: for every pair of column field types whose conversion the
 * planner allows (enumerated from the registry), random options on both sides and random stored
 * values, either the change is refused with FIELD_TYPE_CHANGE_LOSES_DATA and the same row count
 * the dry run showed, or every value reads back equal — nothing changes silently. With rounding
 * accepted, numbers read back rounded half away from zero, and the dry run counted exactly those.
 */

const keysPool = ['a', 'b', 'c', '1', '0', 'yes', 'no', 'x.y'];
const columnTypes = (Object.keys(fieldTypes) as FieldTypeName[]).filter((t) => fieldTypes[t].storage === 'column');

// ---- options, from each type's options schema -------------------------------------------------

type Schema = { properties?: Record<string, { type?: string; minimum?: number; maximum?: number; default?: unknown }> };

function optionsArb(type: FieldTypeName): fc.Arbitrary<Record<string, unknown>> {
  const props = (fieldTypes[type].optionsSchema as Schema).properties ?? {};
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, p] of Object.entries(props)) {
    if (name === 'options') parts.options = fc.subarray(keysPool, { minLength: 1 }).map((ks) => ks.map((key) => ({ key })));
    else if (p.type === 'integer' && p.minimum !== undefined && p.maximum !== undefined) {
      const [min, max] = [p.minimum, p.maximum];
      // Biased to the small end and the bounds, where values stop fitting.
      parts[name] = fc.option(fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max: Math.min(max, min + 20) }), fc.integer({ min, max })), {
        nil: undefined,
      });
    }
  }
  return fc.record(parts).map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
}

function appWith(table: string, type: FieldTypeName, options: Record<string, unknown>): ResolvedApp {
  return resolveApp({ objects: [{ name: table, fields: [{ name: 'v', type, options }] }] });
}
const fieldOf = (app: ResolvedApp): Field => app.objects[0]?.fields[0] as Field;

// ---- stored values ----------------------------------------------------------------------------

/** A decimal as a canonical string: no plus sign, no leading or trailing zeros, "0" for zero. */
function canonical(s: string): string {
  const m = /^\s*([-+]?)0*([0-9]*)(?:\.([0-9]*?)0*)?\s*$/.exec(s);
  if (!m) throw new Error(`not a decimal: ${s}`);
  const int = m[2] || '0';
  const frac = m[3] ?? '';
  if (int === '0' && frac === '') return '0';
  return `${m[1] === '-' ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Rounded to `scale` decimals, half away from zero (what numeric(p,s) and ::bigint do). */
function roundDecimal(s: string, scale: number): string {
  const c = canonical(s);
  const neg = c.startsWith('-');
  const [int = '0', frac = ''] = c.replace('-', '').split('.');
  if (frac.length <= scale) return c;
  let digits = BigInt(int + frac.slice(0, scale));
  if (Number(frac[scale]) >= 5) digits += 1n;
  const padded = digits.toString().padStart(scale + 1, '0');
  const rounded = scale ? `${padded.slice(0, -scale)}.${padded.slice(-scale)}` : padded;
  return canonical(`${neg ? '-' : ''}${rounded}`);
}

function fitsNumeric(s: string, precision: number, scale: number): boolean {
  const c = canonical(s).replace('-', '');
  const [int = '0', frac = ''] = c.split('.');
  if (frac.length > scale) return false;
  const intDigits = int === '0' ? 0 : int.length;
  if (precision - scale >= 0) return intDigits <= precision - scale;
  // numeric(p,s) with s > p: |v| < 10^(p-s), i.e. at least s-p leading zeros after the point.
  return int === '0' && (/^0*/.exec(frac.padEnd(scale, '0'))?.[0].length ?? 0) >= scale - precision;
}

const decimalText = fc.oneof(
  fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 6 })).map(([m, k]) => {
    const d = Math.abs(m)
      .toString()
      .padStart(k + 1, '0');
    return `${m < 0 ? '-' : ''}${k ? `${d.slice(0, -k)}.${d.slice(-k)}` : d}`;
  }),
  // Near the limits of every precision: 10^k - 1, 10^k, with a few decimals.
  fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.constantFrom('', '.5', '.125', '.0001', '.99995', '.4999'), fc.boolean())
    .map(([k, below, frac, neg]) => `${neg ? '-' : ''}${below ? '9'.repeat(k) || '0' : `1${'0'.repeat(k)}`}${frac}`),
  fc.constantFrom('9007199254740991', '-9007199254740991', '9007199254740992', '0', '2.5', '-2.5', '2.125', '0.0001'),
);

const textValue = fc.oneof(
  fc.string({ maxLength: 12 }).filter((s) => !s.includes('\u0000')),
  decimalText,
  decimalText.map((d) => ` ${d} `),
  fc.constantFrom('true', 'FALSE', ' yes', '是', '否', 'n', 'Y', 'maybe', ''),
  fc.constantFrom(...keysPool),
  fc.constantFrom('a@b.cn', 'x y@b.cn', '+86 138 0000 0000', '12', 'https://example.com/a', 'http://x', 'ftp://x'),
  fc.constantFrom('2024-02-29', '2024-02-29T10:00:00.000Z', 'x'.repeat(300)),
);

const instant = fc
  .date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const midnight = instant.map((iso) => `${iso.slice(0, 10)}T00:00:00.000Z`);

/** Candidate values a client could have written, before the from-field's own check filters them. */
function candidates(f: Field): fc.Arbitrary<unknown> {
  switch (f.type) {
    case 'integer':
    case 'decimal':
    case 'currency':
    case 'percent':
      return decimalText;
    case 'boolean':
      return fc.boolean();
    case 'date':
      return instant.map((iso) => iso.slice(0, 10));
    case 'datetime':
      return fc.oneof(instant, midnight);
    case 'select':
      return fc.constantFrom(...keysPool);
    case 'multiselect':
      return fc.subarray(keysPool);
    case 'json':
      return fc.jsonValue({ maxDepth: 2 }).filter((v) => v !== null && !JSON.stringify(v).includes('\\u0000'));
    default:
      return textValue;
  }
}

/** Whether `f` can hold `v`: numbers by their exact digits, everything else by the registry's own check. */
function storable(f: Field, v: unknown): boolean {
  if (f.type === 'integer') return !String(v).includes('.') && BigInt(canonical(String(v))) ** 2n <= 9007199254740991n ** 2n;
  if (f.type === 'decimal' || f.type === 'currency' || f.type === 'percent')
    return fitsNumeric(String(v), Number(f.options.precision), Number(f.options.scale));
  return valueProblem(f, v) === undefined;
}

const hasValues = new Set<FieldTypeName>([
  'text',
  'textarea',
  'richtext',
  'email',
  'phone',
  'url',
  'select',
  'multiselect',
  'integer',
  'decimal',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'json',
]);

// ---- reading back, and what "the same value" means from one column type to another ------------

type Base = 'text' | 'bigint' | 'numeric' | 'boolean' | 'date' | 'timestamptz' | 'text[]' | 'jsonb';
const baseOf = (sqlType: string): Base => {
  const b = sqlType.replace(/\(.*\)$/, '');
  return (b === 'timestamptz' ? 'timestamptz' : b) as Base;
};

function repr(base: Base) {
  const v = sql.ref('v');
  if (base === 'text[]' || base === 'jsonb') return sql<string>`to_json(${v})::text`;
  if (base === 'timestamptz') return sql<string>`to_char(${v} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return sql<string>`${v}::text`;
}

const truthy = ['true', '1', 'yes', '是', 'y'];

/** The value `before` (as read from the old column) should read as in the new column. */
function expected(from: Base, to: Base, before: unknown, roundTo: number | undefined): unknown {
  if (to === 'numeric' || to === 'bigint') {
    const c = canonical(String(before));
    return roundTo === undefined ? c : roundDecimal(c, roundTo);
  }
  if (to === 'text') {
    if (from === 'numeric' || from === 'bigint') return canonical(String(before));
    if (from === 'text[]') return (before as string[])[0] ?? null; // an empty list and no value are the same
    if (from === 'jsonb') return typeof before === 'string' ? before : JSON.stringify(before);
    return before;
  }
  if (to === 'boolean' && from === 'text') return truthy.includes(String(before).trim().toLowerCase()) ? 'true' : 'false';
  if (to === 'date' && from === 'timestamptz') return String(before).slice(0, 10);
  if (to === 'timestamptz' && from === 'date') return `${before}T00:00:00.000Z`;
  if (to === 'text[]' && from === 'text') return [before];
  return before;
}

function same(to: Base, from: Base, actual: unknown, want: unknown): boolean {
  if (to === 'text' && from === 'jsonb' && typeof want === 'string' && actual !== want) {
    try {
      return JSON.stringify(JSON.parse(String(actual))) === want;
    } catch {
      return false;
    }
  }
  if (to === 'numeric' || to === 'bigint') return canonical(String(actual)) === want;
  return JSON.stringify(actual) === JSON.stringify(want);
}

// ---- the pairs the planner allows --------------------------------------------------------------

const defaults = (t: FieldTypeName): Record<string, unknown> => (t === 'select' || t === 'multiselect' ? { options: [{ key: 'a' }] } : {});
const fieldWithDefaults = (t: FieldTypeName): Field | undefined => {
  try {
    return fieldOf(appWith('x', t, defaults(t)));
  } catch {
    return undefined; // needs options a bare field cannot have (a lookup's target): same-type only
  }
};
const pairs: [FieldTypeName, FieldTypeName][] = columnTypes.flatMap((a) =>
  columnTypes
    .filter((b) => {
      const [fa, fb] = [fieldWithDefaults(a), fieldWithDefaults(b)];
      return fa && fb && conversion(fa, fb, fieldTypes[b].column(fb)) !== undefined;
    })
    .map((b) => [a, b] as [FieldTypeName, FieldTypeName]),
);

describe('the conversions under test', () => {
  it('are enumerated from the registry, and every type converted to another type has a value generator', () => {
    expect(pairs.length).toBeGreaterThan(100);
    const crossing = pairs.filter(([a, b]) => a !== b).flat();
    expect(crossing.filter((t) => !hasValues.has(t))).toEqual([]);
  });
});

describe.each(await backends())('every allowed type change on %s', (backend) => {
  let database: Database;
  const schema = uniqueSchemaName('conv');
  let n = 0;
  beforeAll(async () => {
    database = await openTestDatabase(backend, 2);
    await sql`create extension if not exists pg_trgm with schema public`.execute(database.db).catch(() => {});
    await sql`create schema ${sql.id(schema)}`.execute(database.db);
  });
  afterAll(async () => {
    await dropSchema(database.db, schema);
    await database.close();
  });

  async function read(table: string, base: Base): Promise<Map<string, unknown>> {
    const rows = await database.db
      .withSchema(schema)
      .selectFrom(table)
      .select([sql<string>`id::text`.as('id'), repr(base).as('r')])
      .execute();
    return new Map(rows.map((r) => [r.id as string, r.r === null ? null : base === 'text[]' || base === 'jsonb' ? JSON.parse(r.r as string) : r.r]));
  }

  async function check(
    fromType: FieldTypeName,
    toType: FieldTypeName,
    fromOpts: Record<string, unknown>,
    toOpts: Record<string, unknown>,
    raw: unknown[],
    accept: boolean,
  ) {
    const table = `p${++n}`;
    const fromApp = appWith(table, fromType, fromOpts);
    const toApp = appWith(table, toType, toOpts);
    const [from, to] = [fieldOf(fromApp), fieldOf(toApp)];
    const values = raw.filter((v) => storable(from, v)).map((v) => normalizeValue(from, v));
    const [fromSql, toSql] = [fieldTypes[fromType].column(from), fieldTypes[toType].column(to)];
    const [fromBase, toBase] = [baseOf(fromSql), baseOf(toSql)];
    const db = database.db;
    await applyActions({ db, schema, from: undefined, to: fromApp }, planMigration({ from: undefined, to: fromApp }));
    for (const v of values) {
      const stored = fromBase === 'jsonb' ? JSON.stringify(v) : fromBase === 'text[]' ? v : String(v);
      await sql`insert into ${sql.id(schema, table)} (id, v) values (${randomUUID()}, ${stored}::${sql.raw(fromSql)})`.execute(db);
    }
    const before = await read(table, fromBase);
    const actions = planMigration({ from: fromApp, to: toApp });
    const alter = actions.find((a): a is Extract<Action, { kind: 'column.alterType' }> => a.kind === 'column.alterType');
    const ctx = { db, schema, from: fromApp, to: toApp, acceptRounding: accept };
    const dry = alter ? await failingRows(ctx, alter) : { rows: 0, rounded: 0, sample: [] };
    let refused: { code?: string; details?: Record<string, unknown> } | undefined;
    try {
      await db.transaction().execute((trx) => applyActions({ ...ctx, db: trx }, actions));
    } catch (e) {
      refused = e as typeof refused;
    }
    const after = await read(table, refused ? fromBase : toBase);
    await sql`drop table ${sql.id(schema, table)}`.execute(db);
    const what = `${fromType}${JSON.stringify(from.options)} → ${toType}${JSON.stringify(to.options)}, accept=${accept}`;
    if (refused) {
      expect(refused.code, what).toBe('FIELD_TYPE_CHANGE_LOSES_DATA');
      expect(refused.details?.rows, what).toBe(dry.rows);
      expect(dry.rows, what).toBeGreaterThan(0);
      expect(after, `${what}: a refused change leaves the data as it was`).toEqual(before);
      return;
    }
    expect(dry.rows, what).toBe(0);
    const roundTo = accept && (toBase === 'numeric' || toBase === 'bigint') ? (toType === 'integer' ? 0 : Number(to.options.scale)) : undefined;
    let changed = 0;
    for (const [id, b] of before) {
      if (b === null) continue;
      const a = after.get(id);
      const want = expected(fromBase, toBase, b, roundTo);
      expect(same(toBase, fromBase, a, want), `${what}: ${JSON.stringify(b)} read back as ${JSON.stringify(a)}, expected ${JSON.stringify(want)}`).toBe(true);
      if (roundTo !== undefined && want !== canonical(String(b))) changed++;
    }
    expect(dry.rounded, `${what}: the dry run counts the rounded rows`).toBe(changed);
  }

  it('either refuses with the rows the dry run counted, or every value reads back equal', { timeout: 900_000 } /* a hang guard, not a budget */, async () => {
    for (const [fromType, toType] of pairs) {
      if (!hasValues.has(fromType) || !hasValues.has(toType)) continue;
      const run = fc.tuple(optionsArb(fromType), optionsArb(toType)).chain(([fo, to]) => {
        const from = fieldOf(appWith('x', fromType, fo));
        return fc.tuple(fc.constant(fo), fc.constant(to), fc.array(candidates(from), { maxLength: 8 }), fc.boolean());
      });
      await fc.assert(
        fc.asyncProperty(run, ([fo, to, values, accept]) => check(fromType, toType, fo, to, values, accept)),
        { numRuns: Number(process.env.CONVERSION_RUNS ?? 4) },
      );
    }
  });
});
