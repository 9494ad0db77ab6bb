import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { type Backend, type Database, openDatabase } from '../db/database';

/**
 * The databases a test file runs against. PGlite always; PostgreSQL at TEST_DATABASE_URL
 * (default 127.0.0.1:5432) when it answers. With TANGRAM_REQUIRE_POSTGRES=1 (set by .ci/run)
 * an unreachable server fails the run instead of skipping.
 */
export const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const required = process.env.TANGRAM_REQUIRE_POSTGRES === '1';

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

export async function backends(): Promise<Backend[]> {
  if (await postgresReachable()) return ['pglite', 'postgres'];
  if (required) throw new Error(`TANGRAM_REQUIRE_POSTGRES=1 but PostgreSQL at ${postgresUrl} is not reachable`);
  console.warn(`PostgreSQL at ${postgresUrl} is not reachable: PostgreSQL runs are SKIPPED (PGlite only).`);
  return ['pglite'];
}

/** A fresh database handle for one test file; on PostgreSQL a larger pool for concurrency tests. */
export async function openTestDatabase(backend: Backend, poolSize = 10): Promise<Database> {
  if (backend === 'pglite') return openDatabase();
  const database = await openDatabase({ url: postgresUrl, poolSize });
  // Files share the server's platform tables: each file's engines run only the jobs they enqueued.
  database.jobsNamespace = `test${randomBytes(4).toString('hex')}:`;
  return database;
}

/** A schema name no other test file uses, so files can run in parallel on one server. */
export function uniqueSchemaName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(db: Database['db'], schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}
