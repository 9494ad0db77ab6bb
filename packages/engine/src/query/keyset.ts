import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { SortKey } from './cursor';

/**
 * The rows after a cursor, for ORDER BY k1, k2, …, id with Postgres's default null placement
 * (ASC NULLS LAST, DESC NULLS FIRST, so plain b-tree indexes serve both directions):
 * after(i) = strictlyAfter(k_i) OR (equal(k_i) AND after(i+1)).
 */
export function keysetPredicate(alias: string, keys: SortKey[], values: unknown[], casts: string[]): Expression<SqlBool> {
  const build = (i: number): RawBuilder<SqlBool> => {
    const key = keys[i] as SortKey;
    const col = sql.ref(`${alias}.${key.column}`);
    const v = values[i];
    const val = sql`cast(${v} as ${sql.raw(casts[i] as string)})`;
    const equal = v === null ? sql<SqlBool>`${col} is null` : sql<SqlBool>`${col} = ${val}`;
    let strictly: RawBuilder<SqlBool>;
    if (key.direction === 'asc') strictly = v === null ? sql<SqlBool>`false` : sql<SqlBool>`(${col} > ${val} or ${col} is null)`;
    else strictly = v === null ? sql<SqlBool>`${col} is not null` : sql<SqlBool>`${col} < ${val}`;
    if (i === keys.length - 1) return strictly;
    return sql<SqlBool>`(${strictly} or (${equal} and ${build(i + 1)}))`;
  };
  return build(0);
}
