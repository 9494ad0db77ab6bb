import { sql } from 'kysely';
import type { Db } from '../db/database';

/** The packages installed in a tenant, as installed (the base of later upgrades). Idempotent. */
export async function createTemplateTables(db: Db, schema: string): Promise<void> {
  await sql`create table if not exists ${sql.id(schema, '_app_package')} (
    name text primary key,
    version text not null,
    seq serial,
    package jsonb not null,
    sample_keys jsonb,
    installed_at timestamptz(3) not null default now(),
    installed_by uuid)`.execute(db);
}
