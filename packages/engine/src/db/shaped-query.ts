import { CompiledQuery } from 'kysely';
import type { Db } from './database';

interface Shape {
  sql: string;
  /** For each bound parameter of `sql`, the index of the value it takes. */
  order: number[];
}

const shapes = new WeakMap<object, Map<string, Shape>>();
const marker = /^\u0001tangram-placeholder-(\d+)\u0001$/;

/**
 * Runs a statement whose SQL depends only on its shape (which columns it writes), building and
 * compiling it once per owner (an ObjectModel: one tenant, one metadata revision) and key. The
 * builder receives placeholders instead of values; every bound parameter must be one of them,
 * so the compiled statement can be re-run with new values in the right order.
 */
export async function runShaped<R>(
  db: Db,
  owner: object,
  key: string,
  build: (value: (i: number) => string) => CompiledQuery,
  values: readonly unknown[],
): Promise<R[]> {
  let byKey = shapes.get(owner);
  if (!byKey) shapes.set(owner, (byKey = new Map()));
  let shape = byKey.get(key);
  if (!shape) {
    const compiled = build((i) => `\u0001tangram-placeholder-${i}\u0001`);
    const order = compiled.parameters.map((p) => {
      const m = typeof p === 'string' ? marker.exec(p) : null;
      if (!m) throw new Error(`a shaped statement bound a value that is not a placeholder: ${String(p).slice(0, 40)}`);
      return Number(m[1]);
    });
    shape = { sql: compiled.sql, order };
    if (byKey.size >= 500) byKey.clear();
    byKey.set(key, shape);
  }
  return (
    await db.executeQuery<R>(
      CompiledQuery.raw(
        shape.sql,
        shape.order.map((i) => values[i]),
      ),
    )
  ).rows;
}
