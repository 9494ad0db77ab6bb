import { sql } from 'kysely';
import type { Db } from '../db/database';

/**
 * Access-control tables of a tenant: roles (JSON documents), who holds them, and per-record
 * shares with a user or a department. Idempotent: new tenants and upgrades both run it.
 */
export async function createAccessTables(db: Db, schema: string): Promise<void> {
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
