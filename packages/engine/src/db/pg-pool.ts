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
 * A pg pool whose clients run DML as named prepared statements (named by a hash of the SQL
 * text): Postgres then parses and plans each distinct statement once per connection instead of
 * on every call, which is most of the gap between Kysely and hand-written pg.
 */
export function createPgPool(connectionString: string, max = 10): PostgresPool & { raw: pg.Pool } {
  const pool = new pg.Pool({ connectionString, max, types, options: '-c TimeZone=UTC' });
  const named = new WeakMap<pg.PoolClient, Set<string>>();
  return {
    raw: pool,
    options: pool.options,
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        query(sql: string, parameters: readonly unknown[]) {
          if (preparable.test(sql)) {
            const name = statementName(sql);
            let names = named.get(client);
            if (!names) named.set(client, (names = new Set()));
            if (names.has(name) || names.size < maxNamedPerConnection) {
              names.add(name);
              return client.query({ name, text: sql, values: parameters as unknown[] });
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
