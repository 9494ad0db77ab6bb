import { sql } from 'kysely';
import type { Db } from '../db/database';

export type GeneratedColumn = 'text' | 'integer';

/**
 * Fills an object's table with `count` rows in one `insert … select generate_series`, bypassing
 * the record pipeline (no audit, no outbox): for tests and benchmarks that need a big table fast.
 * Ids are uuid-v7-shaped and ascend with the row number; text columns get 'row N', integer
 * columns N % 1000. Columns are named by field id, as in every object table.
 * @example await insertGeneratedRows(engine.db, tenant.schema, 'item', 100_000, { title: 'text', qty: 'integer' })
 */
export async function insertGeneratedRows(db: Db, schema: string, table: string, count: number, columns: Record<string, GeneratedColumn>): Promise<void> {
  const names = Object.keys(columns);
  const values = names.map((c) => (columns[c] === 'text' ? sql`'row ' || g` : sql`g % 1000`));
  const id = sql`('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid`;
  await sql`insert into ${sql.id(schema, table)} (${sql.join([sql.id('id'), ...names.map((n) => sql.id(n))])})
    select ${sql.join([id, ...values])} from generate_series(1, ${count}::int) g`.execute(db);
}
