import { type DatabaseIntrospector, type Kysely, sql } from 'kysely';
import { type Migration, type MigrationResult, Migrator } from 'kysely/migration';
import type { Db } from './database';

/** Where each schema records the migrations it has run (Kysely's Migrator tables, per schema). */
export const migrationTable = '_migration';
export const migrationLockTable = '_migration_lock';

/** Migrations by name; they run in name order ('0001_baseline', '0002_…'), each once per schema. */
export type Migrations = Record<string, Migration>;

/** The advisory-lock key of one schema's migrations (an int4 hash, so it never meets Kysely's own key). */
export function migrationLockKey(schema: string) {
  return sql`hashtext(${`tangram.migrate.${schema}`})`;
}

/** The migrations recorded in `schema`, or undefined when it has none yet (a new or pre-migration schema). */
export async function appliedMigrations(db: Db, schema: string): Promise<string[] | undefined> {
  try {
    const rows = await sql<{ name: string }>`select name from ${sql.id(schema, migrationTable)} order by name`.execute(db);
    return rows.rows.map((r) => r.name);
  } catch (e) {
    // 42P01 undefined table, 3F000 undefined schema.
    const code = (e as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return undefined;
    throw e;
  }
}

/**
 * Brings `schema` up to `migrations` with Kysely's Migrator, recording them in the schema's own
 * `_migration` table. Two processes (or two requests of one) migrating the same schema at once
 * queue on a session advisory lock keyed by the schema, taken on the connection the Migrator
 * uses, so the second finds the work done; Kysely's own lock (one key for the whole database)
 * is taken inside it. An up-to-date schema costs one query and no lock.
 * Returns the names of the migrations this call ran.
 */
export async function migrateSchema(db: Db, schema: string, migrations: Migrations): Promise<string[]> {
  const applied = await appliedMigrations(db, schema);
  if (applied && Object.keys(migrations).every((name) => applied.includes(name))) return [];
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${migrationLockKey(schema)})`.execute(conn);
    try {
      const migrator = new Migrator({
        db: withSchemaIntrospection(conn, schema),
        provider: { getMigrations: async () => migrations },
        migrationTableSchema: schema,
        migrationTableName: migrationTable,
        migrationLockTableName: migrationLockTable,
      });
      const { error, results = [] } = await migrator.migrateToLatest();
      if (error) throw failed(schema, results, error);
      return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    } finally {
      await sql`select pg_advisory_unlock(${migrationLockKey(schema)})`.execute(conn);
    }
  });
}

function failed(schema: string, results: MigrationResult[], error: unknown): Error {
  const at = results.find((r) => r.status === 'Error')?.migrationName;
  const message = `migrating schema ${schema}${at ? ` failed at ${at}` : ' failed'}: ${(error as Error)?.message ?? String(error)}`;
  return new Error(message, { cause: error });
}

/**
 * The Migrator asks an introspector whether the schema and its migration tables exist. Kysely's
 * reads every column of every table in the database — all tenants' — twice per run; this one
 * looks at the one schema. Everything else of `db` is unchanged.
 */
function withSchemaIntrospection(db: Kysely<any>, schema: string): Kysely<any> {
  const introspection: DatabaseIntrospector = {
    async getSchemas() {
      const rows = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db);
      return rows.rows;
    },
    async getTables() {
      const rows = await sql<{ name: string }>`
        select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p')`.execute(db);
      return rows.rows.map((r) => ({ name: r.name, schema, isView: false, isForeign: false, columns: [] }));
    },
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
