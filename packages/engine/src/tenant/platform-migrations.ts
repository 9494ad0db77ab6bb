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
  '0002_jobs': { up: jobs },
  '0003_mail': { up: mail },
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

/**
 * Durable jobs, their run history and cron schedules (jobs/, docs/adr/0011-engine-owned-jobs.md).
 * Workers claim due rows with `for update skip locked`; every time they compare is the engine's
 * clock passed as a parameter, never the database's now(), so tests can move time.
 */
async function jobs(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('platform');
  await s
    .createTable('job')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'uuid', (c) => c.references('tenant.id').onDelete('cascade'))
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued').check(sql`state in ('queued', 'active', 'done', 'dead', 'cancelled')`))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(5).check(sql`max_attempts >= 1`))
    .addColumn('backoff_ms', 'integer', (c) => c.notNull().defaultTo(10_000).check(sql`backoff_ms >= 0`))
    .addColumn('key', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', sql`timestamptz(3)`)
    .addColumn('last_error', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', sql`timestamptz(3)`)
    .execute();
  // An enqueue with a key is idempotent (keys are null-distinct: jobs without one never meet).
  await s.createIndex('job_queue_key').on('job').columns(['queue', 'key']).unique().execute();
  // The claim: due queued jobs of one queue, best first.
  await s.createIndex('job_due').on('job').columns(['queue', 'priority desc', 'run_at', 'id']).where(sql.ref('state'), '=', 'queued').execute();
  // Reclaiming expired leases.
  await s.createIndex('job_lease').on('job').column('locked_until').where(sql.ref('state'), '=', 'active').execute();
  // The run log: a tenant's or a queue's jobs, newest first.
  await s.createIndex('job_tenant').on('job').columns(['tenant_id', 'id']).where(sql.ref('tenant_id'), 'is not', null).execute();
  await s
    .createTable('job_run')
    .addColumn('job_id', 'bigint', (c) => c.notNull().references('job.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('started_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('finished_at', sql`timestamptz(3)`)
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('done', 'error', 'lost')`))
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('job_run_pk', ['job_id', 'attempt'])
    .execute();
  await s
    .createTable('job_schedule')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'uuid', (c) => c.references('tenant.id').onDelete('cascade'))
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('next_run_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('last_run_at', sql`timestamptz(3)`)
    .execute();
  await s.createIndex('job_schedule_due').on('job_schedule').column('next_run_at').where(sql.ref('enabled'), '=', true).execute();
}

/**
 * E-mail (mail/, docs/guides/email.md): each tenant's SMTP settings (the password sealed with the
 * installation's `mail` secret), the log of mail sent under an idempotency key (an at-least-once
 * sender does not send it twice), and the dev mailbox that keeps mail instead of sending it when
 * a development or demo server has no SMTP settings.
 */
async function mail(db: Kysely<any>): Promise<void> {
  const s = db.schema.withSchema('platform');
  await s
    .createTable('mail_settings')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenant.id').onDelete('cascade'))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('port', 'integer', (c) => c.notNull())
    .addColumn('secure', 'boolean', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('password_sealed', 'text')
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
  await s
    .createTable('mail_sent')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenant.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull().check(sql`via in ('smtp', 'dev')`))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addPrimaryKeyConstraint('mail_sent_pk', ['tenant_id', 'key'])
    .execute();
  await s
    .createTable('dev_mail')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.references('tenant.id').onDelete('cascade'))
    .addColumn('key', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull())
    .execute();
  await s.createIndex('dev_mail_tenant').on('dev_mail').columns(['tenant_id', 'id']).execute();
}
