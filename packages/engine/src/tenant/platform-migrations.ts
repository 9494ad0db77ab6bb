import { type Kysely, sql } from 'kysely';
import { type Migrations, migrateSchema } from '../db/migrate';
import type { Db } from '../db/database';

/**
 * The global `platform` schema — the tenant registry, installation secrets and first-start
 * steps, login identities, memberships, sessions and API tokens — as versioned migrations, the
 * one definition of each table, recorded in `platform._migration`.
 *
 * To change a platform table, append a migration ('0002_…') — never edit one that has shipped —
 * and update its interface in db/tables.ts. See docs/adr/0009-versioned-migrations.md.
 */
export const platformMigrations: Migrations = {
  '0001_baseline': { up: baseline },
};

/** Creates the `platform` schema if needed and runs its pending migrations (under its advisory lock). */
export function migratePlatform(db: Db): Promise<string[]> {
  return migrateSchema(db, 'platform', platformMigrations);
}

/**
 * The tables as they were when migrations were introduced. Installations from before then have
 * them (in this shape or an older one) but no `_migration` record: every statement is "if not
 * exists", and columns added over time before then are added if missing.
 */
async function baseline(db: Kysely<any>): Promise<void> {
  // Trigram indexes of text fields (tenant schemas) use it.
  await sql`create extension if not exists pg_trgm`.execute(db);
  const s = db.schema.withSchema('platform');
  await s
    .createTable('tenant')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('schema', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Keys of the installation shared by every process (see platformSecret).
  await s
    .createTable('secret')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // The first-start steps this installation has finished (see the server's bootstrap).
  await s
    .createTable('setup_step')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('done_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Login identities; a user may belong to several tenants.
  await s
    .createTable('user')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('platform_admin', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', sql`timestamptz(3)`)
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('membership')
    .ifNotExists()
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenant.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['user_id', 'tenant_id'])
    .execute();
  // An invited member ('invited') gets no access until the user accepts with the invitation code.
  await sql`alter table platform.membership add column if not exists status text not null default 'active'`.execute(db);
  await sql`alter table platform.membership add column if not exists invite_hash text`.execute(db);
  await sql`alter table platform.membership add column if not exists invited_at timestamptz(3)`.execute(db);
  // Failed sign-ins per e-mail (hashed), known or not, so lockout answers alike for both.
  await s
    .createTable('sign_in_failure')
    .ifNotExists()
    .addColumn('email_hash', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', sql`timestamptz(3)`)
    .addColumn('last_failed_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index if not exists sign_in_failure_last on platform.sign_in_failure (last_failed_at)`.execute(db);
  await s
    .createTable('session')
    .ifNotExists()
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', sql`timestamptz(3)`, (c) => c.notNull())
    .execute();
  await s
    .createTable('api_token')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenant.id').onDelete('cascade'))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', sql`timestamptz(3)`)
    .addColumn('revoked_at', sql`timestamptz(3)`)
    .execute();
}
