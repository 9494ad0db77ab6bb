import { type RawBuilder, sql } from 'kysely';

/** `= any($1::uuid[])`: one array parameter, so the statement text is the same for any list length. */
export function anyUuid(ids: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${ids}::uuid[])`;
}
