import { activeKeys } from '@tangram/fields';
import type { Field, FieldTypeName } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';

/**
 * How a column's values convert when its field changes type or narrows its options:
 * `using` is the cast for ALTER COLUMN … USING, `failing` selects the non-null values that would
 * not survive. A pair with no entry is refused (FIELD_TYPE_CHANGE_UNSUPPORTED).
 */
export interface Conversion {
  using: (col: RawBuilder<unknown>) => RawBuilder<unknown>;
  failing: (col: RawBuilder<unknown>) => RawBuilder<boolean> | undefined;
}

type Family = 'text' | 'bigint' | 'numeric' | 'boolean' | 'date' | 'datetime' | 'textList';

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
};

const numberPattern = '^\\s*[-+]?[0-9]+(\\.[0-9]+)?\\s*$';
const integerPattern = '^\\s*[-+]?[0-9]{1,15}\\s*$';
const truthy = ['true', '1', 'yes', '是', 'y'];
const falsy = ['false', '0', 'no', '否', 'n'];

/** Non-null values of the new type that the new field would refuse (format, length, options, range). */
function validity(to: Field, v: RawBuilder<unknown>): RawBuilder<boolean> | undefined {
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
      const p = Number(o.precision);
      const s = Number(o.scale);
      return sql<boolean>`(abs(${v}) >= power(10::numeric, ${p - s}) or ${v} <> round(${v}, ${s}))`;
    }
    case 'integer':
      return sql<boolean>`(${v} <> trunc(${v}) or abs(${v}) > 9007199254740991)`;
    default:
      return undefined;
  }
}

function or(a: RawBuilder<boolean> | undefined, b: RawBuilder<boolean> | undefined): RawBuilder<boolean> | undefined {
  if (!a) return b;
  if (!b) return a;
  return sql<boolean>`(${a} or ${b})`;
}

function casts(from: Family, to: Family, target: string): Conversion['using'] | 'guarded' | undefined {
  const t = sql.raw(target);
  if (from === to) return (c) => sql`${c}::${t}`;
  if (to === 'text' && from !== 'textList') return (c) => sql`${c}::text`;
  if (from === 'bigint' && to === 'numeric') return (c) => sql`${c}::${t}`;
  if (from === 'numeric' && to === 'bigint') return (c) => sql`${c}::bigint`;
  if (from === 'date' && to === 'datetime') return (c) => sql`(${c}::timestamp at time zone 'UTC')`;
  if (from === 'datetime' && to === 'date') return (c) => sql`(${c} at time zone 'UTC')::date`;
  if (from === 'text' && to === 'textList') return (c) => sql`case when ${c} is null then null else array[${c}] end`;
  if (from === 'textList' && to === 'text') return (c) => sql`${c}[1]`;
  if (from === 'text' && (to === 'bigint' || to === 'numeric' || to === 'boolean')) return 'guarded';
  return undefined;
}

export function conversion(from: Field, to: Field, targetSql: string): Conversion | undefined {
  const a = family[from.type];
  const b = family[to.type];
  if (!a || !b) return sameType(from, to, targetSql);
  const cast = casts(a, b, targetSql);
  if (!cast) return undefined;
  if (cast !== 'guarded') {
    const extra = (c: RawBuilder<unknown>) =>
      a === 'datetime' && b === 'date'
        ? sql<boolean>`${c} <> date_trunc('day', ${c}, 'UTC')`
        : a === 'textList' && b === 'text'
          ? sql<boolean>`cardinality(${c}) > 1`
          : undefined;
    return { using: cast, failing: (c) => or(extra(c), validity(to, cast(c))) };
  }
  if (b === 'boolean')
    return {
      // DDL takes no bind parameters, so the word lists are inlined as escaped literals.
      using: (c) =>
        sql`case when lower(trim(${c})) in (${sql.join(truthy.map((w) => sql.lit(w)))}) then true when lower(trim(${c})) in (${sql.join(falsy.map((w) => sql.lit(w)))}) then false end`,
      failing: (c) => sql<boolean>`not (lower(trim(${c})) = any(${[...truthy, ...falsy]}::text[]))`,
    };
  const pattern = b === 'bigint' ? integerPattern : numberPattern;
  const t = sql.raw(targetSql);
  return {
    using: (c) => sql`trim(${c})::${t}`,
    failing: (c) => sql<boolean>`(${c} !~ ${pattern} or (${validity(to, sql`(case when ${c} ~ ${pattern} then trim(${c})::numeric end)`) ?? sql`false`}))`,
  };
}

/** Same non-scalar type (e.g. a lookup): only allowed when the column type is unchanged. */
function sameType(from: Field, to: Field, targetSql: string): Conversion | undefined {
  if (from.type !== to.type) return undefined;
  if (JSON.stringify(from.options) !== JSON.stringify(to.options) && (from.type === 'lookup' || from.type === 'masterdetail' || from.type === 'manytomany'))
    return undefined;
  return { using: (c) => sql`${c}::${sql.raw(targetSql)}`, failing: () => undefined };
}
