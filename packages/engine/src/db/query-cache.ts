import { CompiledQuery } from 'kysely';
import type { Db } from './database';

const cache = new WeakMap<object, Map<string, CompiledQuery>>();
const maxPerOwner = 500;

/**
 * Builds a query's SQL once per owner (an ObjectModel: one tenant, one metadata revision) and
 * key, then runs it with fresh parameters. Building and compiling a Kysely query tree costs more
 * than a primary-key lookup in Postgres, so hot paths compile once per metadata version.
 */
export async function runCached<R>(db: Db, owner: object, key: string, build: () => CompiledQuery, parameters: readonly unknown[]): Promise<R[]> {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map()));
  let compiled = byKey.get(key);
  if (!compiled) {
    compiled = build();
    if (byKey.size >= maxPerOwner) byKey.clear();
    byKey.set(key, compiled);
  }
  return (await db.executeQuery<R>(CompiledQuery.raw(compiled.sql, [...parameters]))).rows;
}
