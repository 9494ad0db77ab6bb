import { sql } from 'kysely';
import type { Db } from '../db/database';

/**
 * FROZEN TEST FIXTURE — do not edit. The DDL of system tables exactly as the code before
 * versioned migrations (docs/adr/0009-versioned-migrations.md) created them: a new tenant's
 * tables (tenant/system-tables.ts with access/, templates/ and files/ tables.ts) and the platform
 * schema (tenant/tenants.ts `ensurePlatform`, identity/tables.ts). The migrations test creates
 * schemas with it and checks the migrations bring them to exactly the shape of new ones.
 */
/**
 * The tables every tenant schema has besides its object tables: metadata revisions and draft,
 * the audit log, the outbox and its consumer leases, auto-number counters, and the tenant's
 * users and departments (which `user` and `department` fields point at).
 */
export async function legacyCreateSystemTables(db: Db, schema: string): Promise<void> {
  const s = db.schema.withSchema(schema);
  await s
    .createTable('_meta_revision')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid')
    .addColumn('message', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('actions', 'jsonb', (c) => c.notNull())
    .execute();
  await s
    .createTable('_meta_draft')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('base_revision', 'integer')
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
  await s
    .createTable('_user')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('mobile', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('employee_no', 'text')
    .addColumn('position', 'text')
    .addColumn('manager_id', 'uuid', (c) => c.references('_user.id').onDelete('set null'))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('_department')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references(`_department.id`))
    .addColumn('head_id', 'uuid', (c) => c.references('_user.id').onDelete('set null'))
    // Ids from the root down, '/a/b/': "b and below" is one indexed prefix match.
    .addColumn('path', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index ${sql.id('_department_path')} on ${sql.id(schema, '_department')} (path text_pattern_ops)`.execute(db);
  await s
    .createTable('_user_department')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('_user.id').onDelete('cascade'))
    .addColumn('department_id', 'uuid', (c) => c.notNull().references('_department.id').onDelete('cascade'))
    .addColumn('is_primary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('_user_department_pk', ['user_id', 'department_id'])
    .execute();
  await s.createIndex('_user_department_dept').on('_user_department').column('department_id').execute();
  await s
    .createTable('_audit')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('actor', 'uuid')
    .addColumn('request_id', 'text')
    .addColumn('at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('_audit_record').on('_audit').columns(['object_id', 'record_id', 'version']).execute();
  await s
    .createTable('_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('actor', 'uuid')
    .addColumn('request_id', 'text')
    .addColumn('at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('_outbox_lease')
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull().references('_outbox.id').onDelete('cascade'))
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('leased_until', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('acked_at', sql`timestamptz(3)`)
    .addPrimaryKeyConstraint('_outbox_lease_pk', ['consumer', 'event_id'])
    .execute();
  await s
    .createTable('_counter')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('field_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('_counter_pk', ['object_id', 'field_id', 'period'])
    .execute();
  await createAccessTables(db, schema);
  await createTemplateTables(db, schema);
  await createFileTables(db, schema);
}

/**
 * Access-control tables of a tenant: roles (JSON documents), who holds them, and per-record
 * shares with a user or a department. Idempotent: new tenants and upgrades both run it.
 */
async function createAccessTables(db: Db, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table if not exists ${t('_role')} (
    name text primary key,
    doc jsonb not null,
    updated_at timestamptz(3) not null default now(),
    updated_by uuid)`.execute(db);
  await sql`create table if not exists ${t('_user_role')} (
    user_id uuid not null references ${t('_user')}(id) on delete cascade,
    role text not null references ${t('_role')}(name) on delete cascade on update cascade,
    constraint _user_role_pk primary key (user_id, role))`.execute(db);
  await sql`create table if not exists ${t('_record_share')} (
    id uuid primary key,
    object_id text not null,
    record_id uuid not null,
    user_id uuid references ${t('_user')}(id) on delete cascade,
    department_id uuid references ${t('_department')}(id) on delete cascade,
    access text not null check (access in ('read', 'edit')),
    created_at timestamptz(3) not null default now(),
    created_by uuid,
    constraint _record_share_one_grantee check ((user_id is null) <> (department_id is null)),
    constraint _record_share_unique unique nulls not distinct (object_id, record_id, user_id, department_id))`.execute(db);
  await sql`create index if not exists ${sql.id('_record_share_user')} on ${t('_record_share')} (object_id, user_id) where user_id is not null`.execute(db);
  await sql`create index if not exists ${sql.id('_record_share_department')} on ${t('_record_share')} (object_id, department_id) where department_id is not null`.execute(
    db,
  );
}

/** The packages installed in a tenant, as installed (the base of later upgrades). Idempotent. */
async function createTemplateTables(db: Db, schema: string): Promise<void> {
  await sql`create table if not exists ${sql.id(schema, '_app_package')} (
    name text primary key,
    version text not null,
    seq serial,
    package jsonb not null,
    sample_keys jsonb,
    installed_at timestamptz(3) not null default now(),
    installed_by uuid)`.execute(db);
}

/**
 * Uploaded files of a tenant (the bytes are on disk, see FileStore): one row per upload, written
 * only once its bytes are in place. Idempotent: new tenants and upgrades both run it.
 */
async function createFileTables(db: Db, schema: string): Promise<void> {
  await sql`create table if not exists ${sql.id(schema, '_file')} (
    id uuid primary key,
    name text not null,
    size bigint not null check (size > 0),
    mime_type text not null,
    sha256 text not null,
    created_by uuid,
    created_at timestamptz(3) not null default now())`.execute(db);
}

/** Login identities live in the global `platform` schema; a user may belong to several tenants. */
export async function legacyEnsureIdentityTables(db: Db): Promise<void> {
  const s = db.schema.withSchema('platform');
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

/** The global `platform` schema: the tenant registry (login identities join it later). */
export async function legacyEnsurePlatform(db: Db): Promise<void> {
  await sql`create schema if not exists platform`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);
  await db.schema
    .withSchema('platform')
    .createTable('tenant')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('schema', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .withSchema('platform')
    .createTable('secret')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .withSchema('platform')
    .createTable('setup_step')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('done_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
