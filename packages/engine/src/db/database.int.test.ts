import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { backends, dropSchema, openTestDatabase, uniqueSchemaName } from '../testing/databases';

describe.each(await backends())('database on %s', (backend) => {
  let database: Database;
  const schema = uniqueSchemaName();
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await sql`create schema ${sql.id(schema)}`.execute(database.db);
    await sql`create table ${sql.id(schema, 'n')} (id int primary key, v int not null, d date, t timestamptz(3), x numeric(18,2), b bigint)`.execute(
      database.db,
    );
    await sql`insert into ${sql.id(schema, 'n')} values (1, 0, '2024-02-29', '2024-05-06T07:08:09.123Z', 12.34, 9007199254740991)`.execute(database.db);
  });
  afterAll(async () => {
    await dropSchema(database.db, schema);
    await database.close();
  });

  it('returns dates as strings, timestamps as ISO UTC, numerics and bigints as numbers', async () => {
    const row = await database.db.withSchema(schema).selectFrom('n').select(['d', 't', 'x', 'b']).executeTakeFirstOrThrow();
    expect(row).toEqual({ d: '2024-02-29', t: '2024-05-06T07:08:09.123Z', x: 12.34, b: 9007199254740991 });
  });

  it('keeps concurrent transactions apart: 20 read-increment-write transactions lose nothing', async () => {
    const { db } = database;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute(async (trx) => {
          const { v } = await trx.withSchema(schema).selectFrom('n').select('v').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
          await trx
            .withSchema(schema)
            .updateTable('n')
            .set({ v: v + 1 })
            .where('id', '=', 1)
            .execute();
        }),
      ),
    );
    const { v } = await db.withSchema(schema).selectFrom('n').select('v').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(v).toBe(20);
  });

  it('rolls a failed transaction back completely', async () => {
    const { db } = database;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.withSchema(schema).insertInto('n').values({ id: 2, v: 1 }).execute();
        await trx.withSchema(schema).insertInto('n').values({ id: 2, v: 1 }).execute();
      }),
    ).rejects.toThrow();
    const rows = await db.withSchema(schema).selectFrom('n').select('id').execute();
    expect(rows).toEqual([{ id: 1 }]);
  });
});

describe.each((await backends()).filter((b) => b === 'postgres'))('pooled connections the server ends, on %s', (backend) => {
  it('an idle connection the server terminates is dropped by the pool, not an unhandled error, and the next query runs', async () => {
    const { default: pg } = await import('pg');
    const { postgresUrl } = await import('../testing/databases');
    const database = await openTestDatabase(backend, 4);
    try {
      // four connections at once, then idle in the pool
      const pids = await Promise.all(
        Array.from(
          { length: 4 },
          async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(database.db)).rows[0]?.pid as number,
        ),
      );
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      try {
        await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) pid', [[...new Set(pids)]]);
        // until the server has ended them all
        for (let i = 0; i < 200; i++) {
          const left = await admin.query('select count(*)::int as n from pg_stat_activity where pid = any($1::int[])', [[...new Set(pids)]]);
          if (left.rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 25));
        }
      } finally {
        await admin.end();
      }
      // the pool opens new connections; a query through a connection it had before may fail once at most
      let ok = 0;
      for (let i = 0; i < 8 && ok < 3; i++) {
        try {
          const r = await sql<{ one: number }>`select 1 as one`.execute(database.db);
          if (r.rows[0]?.one === 1) ok++;
        } catch {
          // a connection ended between the pool's check and the query: the next one is new
        }
      }
      expect(ok).toBe(3);
    } finally {
      await database.close();
    }
  });
});
