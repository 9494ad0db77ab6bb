import { sql } from 'kysely';
import type { Db } from '../db/database';

/**
 * Uploaded files of a tenant (the bytes are on disk, see FileStore): one row per upload, written
 * only once its bytes are in place. Idempotent: new tenants and upgrades both run it.
 */
export async function createFileTables(db: Db, schema: string): Promise<void> {
  await sql`create table if not exists ${sql.id(schema, '_file')} (
    id uuid primary key,
    name text not null,
    size bigint not null check (size > 0),
    mime_type text not null,
    sha256 text not null,
    created_by uuid,
    created_at timestamptz(3) not null default now())`.execute(db);
}
