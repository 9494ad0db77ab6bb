import { activeKeys } from '@tangram/fields';
import type { Field, FieldTypeName } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';

type Col = RawBuilder<unknown>;
type Predicate = (col: Col) => RawBuilder<boolean> | undefined;

/**
 * How a column's values convert when its field changes type or narrows its options:
 * `using` is the cast for ALTER COLUMN … USING; `failing` selects the non-null values that
 * cannot convert at all (overflow, format, options); `rounded` selects those that would convert
 * to a different value (fewer decimals, an integer): both are counted before anything is altered,
 * and neither predicate raises (they read the old value, never the cast). A pair with no entry
 * is refused (FIELD_TYPE_CHANGE_UNSUPPORTED).
 */
export interface Conversion {
  using: (col: Col) => RawBuilder<unknown>;
  failing: Predicate;
  rounded: Predicate;
}

type Family = 'text' | 'bigint' | 'numeric' | 'boolean' | 'date' | 'datetime' | 'textList' | 'json';

const family: Partial<Record<FieldTypeName, Family>> = {
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
};

const numberPattern = '^\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*$';
const integerPattern = '^\\s*[-+]?[0-9]{1,15}\\s*$';
const truthy = ['true', '1', 'yes', '是', 'y'];
const falsy = ['false', '0', 'no', '否', 'n'];
const maxSafeInteger = 9007199254740991;

/** Non-null values of the new type that the new field would refuse (format, length, options, range). */
function validity(to: Field, v: Col): RawBuilder<boolean> | undefined {
  const o = to.options;
  switch (to.type) {
    case 'text':
    case 'textarea':
    case 'richtext':
      return sql<boolean>`length(${v}) > ${Number(o.maxLength)}`;
    case 'email':
      return sql<boolean>`(${v} !~ '^[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+$' or length(${v}) > 254)`;
    case 'phone':
      return sql<boolean>`${v} !~ '^\\+?[0-9][0-9 ()-]{2,30}$'`;
    case 'url':
      return sql<boolean>`${v} !~ '^https?://[^[:space:]]+$'`;
    case 'select':
      return sql<boolean>`not (${v} = any(${activeKeys(to)}::text[]))`;
    case 'multiselect':
      return sql<boolean>`not (${v} <@ ${activeKeys(to)}::text[])`;
    case 'decimal':
    case 'currency':
    case 'percent': {
      // Too many digits before the point once rounded to the new scale: numeric(p,s) would overflow.
      const p = Number(o.precision);
      const s = Number(o.scale);
      return sql<boolean>`abs(round(${v}, ${s})) >= power(10::numeric, ${p - s})`;
    }
    case 'integer':
      return sql<boolean>`abs(round(${v})) > ${maxSafeInteger}`;
    default:
      return undefined;
  }
}

/** Non-null values (as unconstrained numerics) the new numeric or integer column would round. */
function rounding(to: Field, v: Col): RawBuilder<boolean> | undefined {
  if (to.type === 'integer') return sql<boolean>`${v} <> round(${v})`;
  if (family[to.type] === 'numeric') return sql<boolean>`${v} <> round(${v}, ${Number(to.options.scale)})`;
  return undefined;
}

function or(a: RawBuilder<boolean> | undefined, b: RawBuilder<boolean> | undefined): RawBuilder<boolean> | undefined {
  if (!a) return b;
  if (!b) return a;
  return sql<boolean>`(${a} or ${b})`;
}

/**
 * One way from a family to another: `value` is the old value in the new family without the new
 * column's limits (a plain numeric, a text), so checking it never raises; `using` is the cast;
 * `unconvertible` the values that have no counterpart at all.
 */
interface Route {
  value: (c: Col) => Col;
  using: (c: Col) => Col;
  unconvertible?: Predicate;
}

/** The canonical text of a value: `1.5` not `1.5000`, datetimes in ISO UTC, JSON strings unquoted. */
function textOf(from: Family): (c: Col) => Col {
  if (from === 'numeric') return (c) => sql`trim_scale(${c})::text`;
  if (from === 'datetime') return (c) => sql`to_char(${c} at time zone 'UTC', ${sql.lit('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')})`;
  if (from === 'json') return (c) => sql`(${c} #>> '{}')`;
  if (from === 'textList') return (c) => sql`${c}[1]`;
  return (c) => sql`${c}::text`;
}

function route(from: Family, to: Family, target: string): Route | 'boolean' | undefined {
  const t = sql.raw(target);
  const numeric = (f: Family) => f === 'bigint' || f === 'numeric';
  if (numeric(from) && numeric(to)) return { value: (c) => sql`${c}::numeric`, using: (c) => sql`${c}::${t}` };
  if (from === to) return { value: (c) => c, using: (c) => sql`${c}::${t}` };
  if (to === 'text')
    return { value: textOf(from), using: textOf(from), unconvertible: from === 'textList' ? (c) => sql<boolean>`cardinality(${c}) > 1` : undefined };
  if (from === 'date' && to === 'datetime')
    return { value: (c) => sql`(${c}::timestamp at time zone 'UTC')`, using: (c) => sql`(${c}::timestamp at time zone 'UTC')` };
  if (from === 'datetime' && to === 'date')
    return {
      value: (c) => sql`(${c} at time zone 'UTC')::date`,
      using: (c) => sql`(${c} at time zone 'UTC')::date`,
      unconvertible: (c) => sql<boolean>`${c} <> date_trunc('day', ${c}, 'UTC')`,
    };
  if (from === 'text' && to === 'textList') return { value: (c) => sql`array[${c}]`, using: (c) => sql`case when ${c} is null then null else array[${c}] end` };
  if (from === 'text' && numeric(to)) {
    const pattern = to === 'bigint' ? integerPattern : numberPattern;
    return {
      value: (c) => sql`(case when ${c} ~ ${pattern} then trim(${c})::numeric end)`,
      using: (c) => sql`trim(${c})::${t}`,
      unconvertible: (c) => sql<boolean>`${c} !~ ${pattern}`,
    };
  }
  if (from === 'text' && to === 'boolean') return 'boolean';
  return undefined;
}

export function conversion(from: Field, to: Field, targetSql: string): Conversion | undefined {
  const a = family[from.type];
  const b = family[to.type];
  if (!a || !b) return sameType(from, to, targetSql);
  const r = route(a, b, targetSql);
  if (!r) return undefined;
  if (r === 'boolean')
    return {
      // DDL takes no bind parameters, so the word lists are inlined as escaped literals.
      using: (c) =>
        sql`case when lower(trim(${c})) in (${sql.join(truthy.map((w) => sql.lit(w)))}) then true when lower(trim(${c})) in (${sql.join(falsy.map((w) => sql.lit(w)))}) then false end`,
      failing: (c) => sql<boolean>`not (lower(trim(${c})) = any(${[...truthy, ...falsy]}::text[]))`,
      rounded: () => undefined,
    };
  return {
    using: r.using,
    failing: (c) => or(r.unconvertible?.(c), validity(to, r.value(c))),
    rounded: (c) => rounding(to, r.value(c)),
  };
}

/** Same non-scalar type (e.g. a lookup): only allowed when the column type is unchanged. */
function sameType(from: Field, to: Field, targetSql: string): Conversion | undefined {
  if (from.type !== to.type) return undefined;
  if (JSON.stringify(from.options) !== JSON.stringify(to.options) && (from.type === 'lookup' || from.type === 'masterdetail' || from.type === 'manytomany'))
    return undefined;
  return { using: (c) => sql`${c}::${sql.raw(targetSql)}`, failing: () => undefined, rounded: () => undefined };
}
