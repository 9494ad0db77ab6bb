import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, dropSchema, openTestDatabase, postgresUrl, uniqueSchemaName } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import type { Database } from './database';
import { translatePgError } from './pg-errors';

/**
 * On PostgreSQL, DML runs as named prepared statements. When another process changes a column's
 * type, a statement prepared before answers "cached plan must not change result type" (0A000):
 * the driver must prepare it again (and the write be retried), never answer 500.
 */
describe.each(await backends())('prepared statements after another process changes a column type, on %s', (backend) => {
  let mine: Database;
  let other: Database;
  const schema = uniqueSchemaName('prep');
  const t = () => sql.id(schema, 'n');
  beforeAll(async () => {
    mine = await openTestDatabase(backend, 1);
    other = backend === 'postgres' ? await openTestDatabase(backend, 1) : mine;
    await sql`create schema ${sql.id(schema)}`.execute(mine.db);
    await sql`create table ${t()} (id int primary key, v numeric(18,4))`.execute(mine.db);
    await sql`insert into ${t()} values (1, 1.5)`.execute(mine.db);
  });
  afterAll(async () => {
    await dropSchema(mine.db, schema);
    if (other !== mine) await other.close();
    await mine.close();
  });

  const read = (db: Database['db']) => db.withSchema(schema).selectFrom('n').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();

  it('prepares a read again when its result type changed, outside a transaction', async () => {
    expect(await read(mine.db)).toEqual({ id: 1, v: 1.5 });
    await sql`alter table ${t()} alter column v type text using trim_scale(v)::text`.execute(other.db);
    expect(await read(mine.db)).toEqual({ id: 1, v: '1.5' });
  });

  it('inside a transaction: fails with a retryable SERIALIZATION_FAILURE once, and the retry succeeds', async () => {
    const write = (db: Database['db']) =>
      db.transaction().execute((trx) => trx.withSchema(schema).updateTable('n').set({ id: 1 }).where('id', '=', 1).returningAll().executeTakeFirstOrThrow());
    expect(await write(mine.db)).toMatchObject({ id: 1 });
    await sql`alter table ${t()} alter column v type numeric(18,4) using v::numeric`.execute(other.db);
    let result: unknown;
    for (let attempt = 1; attempt <= 2 && result === undefined; attempt++) {
      try {
        result = await write(mine.db);
      } catch (e) {
        expect(translatePgError(e)).toMatchObject({ code: 'SERIALIZATION_FAILURE', details: { retryable: true } });
      }
    }
    expect(result).toEqual({ id: 1, v: 1.5 });
  });
});

const run = promisify(execFile);
const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));
const publishElsewhere = fileURLToPath(new URL('../testing/publish-elsewhere.ts', import.meta.url));

// Another process only exists on PostgreSQL (PGlite is in this process's memory).
describe.each((await backends()).filter((b) => b === 'postgres'))('record writes while another process publishes a type change, on %s', (backend) => {
  let a: TestTenant;
  beforeAll(async () => {
    a = await setupTenant(backend, { poolSize: 1 });
    await a.tenant.schema.publish({ objects: [{ name: 'item', fields: [{ name: 'amount', type: 'decimal' }] }] });
  });
  afterAll(() => a.close());

  it('writes and reads again after the other process changed the column type (no 500)', { timeout: 900_000 } /* a hang guard, not a budget */, async () => {
    const first = await a.tenant.records.create('item', { amount: 1.5 });
    await a.tenant.records.update('item', first.id as string, { amount: 2.5 });
    expect(await a.tenant.records.get('item', first.id as string)).toMatchObject({ amount: 2.5 });
    const metadata = { objects: [{ name: 'item', fields: [{ name: 'amount', type: 'text' }] }] };
    await run(tsx, [publishElsewhere, postgresUrl, a.tenant.tenant.slug, JSON.stringify(metadata)]);
    expect(await a.tenant.records.create('item', { amount: '3' })).toMatchObject({ amount: '3' });
    expect(await a.tenant.records.update('item', first.id as string, { amount: '4' })).toMatchObject({ amount: '4' });
    expect(await a.tenant.records.get('item', first.id as string)).toMatchObject({ amount: '4' });
  });
});
