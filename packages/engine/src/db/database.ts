import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import { type ChannelListener, PgListener } from './pg-listener';
import { createPgPool } from './pg-pool';
import { PGlitePool } from './pglite-pool';
import { textParsers } from './type-parsers';

export type Backend = 'pglite' | 'postgres';

/** Tangram's tables are dynamic (they come from metadata), so the Kysely database type is open. */
export type Db = Kysely<any>;

export interface Database {
  db: Db;
  backend: Backend;
  /**
   * LISTENs on a channel: `pg_notify(channel, payload)` reaches the listener when the
   * transaction that sent it commits, from any process on PostgreSQL (one listening connection
   * per database handle, outside the pool) and within this one on PGlite. Resolves with a
   * function that stops listening.
   */
  listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** Tests: the jobs namespace of every engine attached to this handle (JobsOptions.namespace). */
  jobsNamespace?: string;
}

export type { ChannelListener };

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
    const listener = new PgListener(opts.url);
    return {
      db,
      backend: 'postgres',
      listen: (channel, l) => listener.listen(channel, l),
      close: async () => {
        await listener.close();
        await db.destroy();
      },
    };
  }
  const pglite = await PGlite.create({
    dataDir: opts.dataDir,
    extensions: { pg_trgm },
    parsers: textParsers,
  });
  await pglite.exec(`SET TIME ZONE 'UTC'`);
  const pool = new PGlitePool(pglite);
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return { db, backend: 'pglite', listen: (channel, l) => pool.listen(channel, (payload) => l.message(payload)), close: () => db.destroy() };
}
