import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { textParsers } from './type-parsers';

const preparable = /^\s*(select|insert|update|delete|with)\b/i;
const maxNamedPerConnection = 2000;

/**
 * Bumped whenever this process publishes a schema change. Named statements carry it in their
 * name, so a statement prepared against an older table shape is never reused after DDL.
 */
let schemaEpoch = 0;
export function bumpSchemaEpoch(): void {
  schemaEpoch++;
}

function statementName(sql: string): string {
  return `k${schemaEpoch}_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
}

const types = {
  getTypeParser(oid: number, format?: string) {
    const parse = textParsers[oid];
    if (parse && format !== 'binary') return parse;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * The statement's result columns changed type since it was prepared on this connection (DDL by
 * another process, whose publishes do not bump this process's epoch): Postgres refuses to run it.
 */
export function isStalePreparedStatement(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  return err?.code === '0A000' && /cached plan must not change result type/i.test(err.message ?? '');
}

const opensTransaction = /^\s*(begin|start\s+transaction)\b/i;
const closesTransaction = /^\s*(commit|end|abort|rollback(?!\s+to\b))\b/i;

/**
 * A pg pool whose clients run DML as named prepared statements (named by a hash of the SQL
 * text): Postgres then parses and plans each distinct statement once per connection instead of
 * on every call, which is most of the gap between Kysely and hand-written pg.
 *
 * A statement whose result type changed under it (another process altered a column) is given a
 * new name on that connection, so it is prepared again: outside a transaction it is retried at
 * once; inside one the transaction is already aborted, so the error goes up (translated to the
 * retryable SERIALIZATION_FAILURE) and the caller's retry prepares it afresh.
 */
export function createPgPool(connectionString: string, max = 10): PostgresPool & { raw: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max, types, options: '-c TimeZone=UTC' });
  // An idle connection the server ends (a restart, pg_terminate_backend, idle_session_timeout,
  // DROP DATABASE … WITH (FORCE)) is an 'error' on the pool: the pool drops that connection and
  // opens another when needed. Without a listener Node would treat it as unhandled and end the process.
  pool.on('error', () => {});
  interface State {
    names: Set<string>;
    /** Statements prepared again on this connection: their current name. */
    renamed: Map<string, string>;
    inTransaction: boolean;
  }
  const states = new WeakMap<pg.PoolClient, State>();
  return {
    raw: pool,
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let state = states.get(client);
      if (!state) states.set(client, (state = { names: new Set(), renamed: new Map(), inTransaction: false }));
      const st = state;
      // A connection comes back from the pool outside any transaction.
      st.inTransaction = false;
      return {
        async query(sql: string, parameters: readonly unknown[]) {
          if (opensTransaction.test(sql)) st.inTransaction = true;
          else if (closesTransaction.test(sql)) st.inTransaction = false;
          if (preparable.test(sql)) {
            const base = statementName(sql);
            const name = st.renamed.get(base) ?? base;
            if (st.names.has(name) || st.names.size < maxNamedPerConnection) {
              st.names.add(name);
              try {
                return await client.query({ name, text: sql, values: parameters as unknown[] });
              } catch (e) {
                if (!isStalePreparedStatement(e)) throw e;
                const fresh = `${base}_${st.renamed.size + 1}_${Date.now().toString(36)}`;
                st.renamed.set(base, fresh);
                st.names.add(fresh);
                if (st.inTransaction) throw e;
                return await client.query({ name: fresh, text: sql, values: parameters as unknown[] });
              }
            }
          }
          return client.query(sql, parameters as unknown[]);
        },
        release: () => client.release(),
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
