import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { Mutex } from './mutex';

const writeCommand = /^\s*(insert|update|delete|merge)\b/i;

/**
 * Kysely's Postgres dialect over PGlite. PGlite is one connection, so `connect()` holds a mutex
 * from acquire to release: a transaction owns the connection until it ends, and queries from
 * elsewhere wait instead of interleaving with it.
 */
export class PGlitePool implements PostgresPool {
  private readonly mutex = new Mutex();
  readonly options = {};

  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    const release = await this.mutex.acquire();
    const pglite = this.pglite;
    const client = {
      async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
        const res = await pglite.query<R>(sql, parameters as unknown[]);
        const command = (writeCommand.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT') as PostgresQueryResult<R>['command'];
        return { command, rowCount: res.affectedRows ?? res.rows.length, rows: res.rows };
      },
      release,
    };
    return client as unknown as PostgresPoolClient;
  }

  /**
   * LISTEN on the one connection, while no transaction holds it (a LISTEN issued inside someone
   * else's transaction would be undone by its rollback). Notifications arrive at commit, as on
   * PostgreSQL; the returned function stops listening.
   */
  async listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>> {
    const hold = async <T>(run: () => Promise<T>): Promise<T> => {
      const release = await this.mutex.acquire();
      try {
        return await run();
      } finally {
        release();
      }
    };
    const unlisten = await hold(() => this.pglite.listen(channel, onMessage));
    return () => hold(() => unlisten());
  }

  async end(): Promise<void> {
    await this.pglite.close();
  }
}
