import { type ColumnFamily, fieldTypes } from '@tangram/fields';
import type { Field } from '@tangram/metadata';
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

type Family = ColumnFamily;

const family = (f: Field): Family | undefined => fieldTypes[f.type].conversion?.family;

const numberPattern = '^\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*$';
const integerPattern = '^\\s*[-+]?[0-9]{1,15}\\s*$';
const truthy = ['true', '1', 'yes', '是', 'y'];
const falsy = ['false', '0', 'no', '否', 'n'];
const maxSafeInteger = 9007199254740991;

/** Non-null values of the new type that the new field would refuse (format, length, options, range). */
function validity(to: Field, v: Col): RawBuilder<boolean> | undefined {
  const limit = fieldTypes[to.type].conversion?.limit?.(to);
  if (!limit) return undefined;
  switch (limit.kind) {
    case 'maxLength':
      return sql<boolean>`length(${v}) > ${limit.max}`;
    case 'pattern':
      return limit.maxLength === undefined
        ? sql<boolean>`${v} !~ ${limit.pattern}`
        : sql<boolean>`(${v} !~ ${limit.pattern} or length(${v}) > ${limit.maxLength})`;
    case 'oneOf':
      return sql<boolean>`not (${v} = any(${limit.keys}::text[]))`;
    case 'subsetOf':
      return sql<boolean>`not (${v} <@ ${limit.keys}::text[])`;
    case 'digits':
      // Too many digits before the point once rounded to the new scale: numeric(p,s) would overflow.
      return sql<boolean>`abs(round(${v}, ${limit.scale})) >= power(10::numeric, ${limit.precision - limit.scale})`;
    case 'safeInteger':
      return sql<boolean>`abs(round(${v})) > ${maxSafeInteger}`;
  }
}

/** Non-null values (as unconstrained numerics) the new numeric or integer column would round. */
function rounding(to: Field, v: Col): RawBuilder<boolean> | undefined {
  if (family(to) === 'bigint') return sql<boolean>`${v} <> round(${v})`;
  if (family(to) === 'numeric') return sql<boolean>`${v} <> round(${v}, ${Number(to.options.scale)})`;
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
  const a = family(from);
  const b = family(to);
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
  if (JSON.stringify(from.options) !== JSON.stringify(to.options) && fieldTypes[from.type].reference?.toObject) return undefined;
  return { using: (c) => sql`${c}::${sql.raw(targetSql)}`, failing: () => undefined, rounded: () => undefined };
}
