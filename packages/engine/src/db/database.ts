import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import { createPgPool } from './pg-pool';
import { PGlitePool } from './pglite-pool';
import { textParsers } from './type-parsers';

export type Backend = 'pglite' | 'postgres';

/** Tangram's tables are dynamic (they come from metadata), so the Kysely database type is open. */
export type Db = Kysely<any>;

export interface Database {
  db: Db;
  backend: Backend;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string. When absent, the embedded PGlite is used. */
  url?: string;
  /** PGlite's data directory; absent = in memory. */
  dataDir?: string;
  /** pg pool size. */
  poolSize?: number;
}

/**
 * Opens the database: PostgreSQL through pg when `url` is given, else the embedded PGlite.
 * Both sit behind the same Kysely dialect, so the rest of the engine has one code path.
 * @example const { db, close } = await openDatabase({ url: process.env.DATABASE_URL })
 */
export async function openDatabase(opts: DatabaseOptions = {}): Promise<Database> {
  if (opts.url) {
    const pool = createPgPool(opts.url, opts.poolSize);
    const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { db, backend: 'postgres', close: () => db.destroy() };
  }
  const pglite = await PGlite.create({
    dataDir: opts.dataDir,
    extensions: { pg_trgm },
    parsers: textParsers,
  });
  await pglite.exec(`SET TIME ZONE 'UTC'`);
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) });
  return { db, backend: 'pglite', close: () => db.destroy() };
}
