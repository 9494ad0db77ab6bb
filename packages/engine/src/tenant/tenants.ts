import { AppError } from '@tangram/errors';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { platformTables } from '../db/tables';
import { migratePlatform } from './platform-migrations';
import { migrateTenant } from './tenant-migrations';

export interface Tenant {
  id: string;
  slug: string;
  schema: string;
  name: string;
}

const slugPattern = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * The global `platform` schema (tenant registry, installation state, login identities), created
 * or brought up to date by its migrations.
 */
export async function ensurePlatform(db: Db): Promise<void> {
  await migratePlatform(db);
}

/** The first-start steps this installation has finished (see the server's bootstrap). */
export async function setupSteps(db: Db): Promise<Set<string>> {
  const rows = await platformTables(db).selectFrom('setup_step').select('name').execute();
  return new Set(rows.map((r) => r.name));
}

export async function markSetupSteps(db: Db, names: string[]): Promise<void> {
  await platformTables(db)
    .insertInto('setup_step')
    .values(names.map((name) => ({ name })))
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * A key of this installation (32 random bytes), made on first use and shared by every process on
 * the database, so what one server seals (a pagination cursor) another can open.
 */
export async function platformSecret(db: Db, name: string): Promise<Buffer> {
  const p = platformTables(db);
  await p
    .insertInto('secret')
    .values({ name, value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await p.selectFrom('secret').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64');
}

/**
 * Creates a tenant: its own schema with the system tables (the tenant migrations), then its
 * registry row. The schema is made first and must be new, so two calls for one slug cannot both
 * succeed; if anything after that fails, the schema is dropped again and no registry row exists.
 */
export async function createTenant(db: Db, slug: string, name = slug, schema = `tenant_${slug}`): Promise<Tenant> {
  if (!slugPattern.test(slug)) throw new AppError('VALIDATION_FAILED', { field: 'slug', pattern: slugPattern.source });
  const exists = await platformTables(db).selectFrom('tenant').select('id').where('slug', '=', slug).executeTakeFirst();
  if (exists) throw new AppError('TENANT_EXISTS', { slug });
  try {
    await sql`create schema ${sql.id(schema)}`.execute(db);
  } catch (e) {
    // 42P06 duplicate schema: another call is creating this tenant, or the schema is taken.
    if ((e as { code?: string }).code === '42P06') throw new AppError('TENANT_EXISTS', { slug });
    throw e;
  }
  const tenant: Tenant = { id: uuidv7(), slug, schema, name };
  try {
    await migrateTenant(db, schema);
    await platformTables(db).insertInto('tenant').values(tenant).execute();
  } catch (e) {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db).catch(() => {});
    if ((e as { code?: string }).code === '23505') throw new AppError('TENANT_EXISTS', { slug });
    throw e;
  }
  return tenant;
}

export async function findTenant(db: Db, slug: string): Promise<Tenant> {
  const row = await platformTables(db).selectFrom('tenant').select(['id', 'slug', 'schema', 'name']).where('slug', '=', slug).executeTakeFirst();
  if (!row) throw new AppError('TENANT_NOT_FOUND', { slug });
  return row;
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return platformTables(db).selectFrom('tenant').select(['id', 'slug', 'schema', 'name']).orderBy('slug').execute();
}
