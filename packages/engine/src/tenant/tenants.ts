import { AppError } from '@tangram/errors';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { createSystemTables } from './system-tables';

export interface Tenant {
  id: string;
  slug: string;
  schema: string;
  name: string;
}

const slugPattern = /^[a-z][a-z0-9_]{0,39}$/;

/** The global `platform` schema: the tenant registry (login identities join it later). */
export async function ensurePlatform(db: Db): Promise<void> {
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

/** The first-start steps this installation has finished (see the server's bootstrap). */
export async function setupSteps(db: Db): Promise<Set<string>> {
  const rows = await db.withSchema('platform').selectFrom('setup_step').select('name').execute();
  return new Set(rows.map((r) => r.name as string));
}

export async function markSetupSteps(db: Db, names: string[]): Promise<void> {
  await db
    .withSchema('platform')
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
  await db
    .withSchema('platform')
    .insertInto('secret')
    .values({ name, value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.withSchema('platform').selectFrom('secret').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return Buffer.from(row.value as string, 'base64');
}

/** Creates a tenant: a registry row and its own schema with the system tables, in one transaction. */
export async function createTenant(db: Db, slug: string, name = slug, schema = `tenant_${slug}`): Promise<Tenant> {
  if (!slugPattern.test(slug)) throw new AppError('VALIDATION_FAILED', { field: 'slug', pattern: slugPattern.source });
  return db.transaction().execute(async (trx) => {
    const exists = await trx.withSchema('platform').selectFrom('tenant').select('id').where('slug', '=', slug).executeTakeFirst();
    if (exists) throw new AppError('TENANT_EXISTS', { slug });
    const tenant: Tenant = { id: uuidv7(), slug, schema, name };
    await trx.withSchema('platform').insertInto('tenant').values(tenant).execute();
    await sql`create schema ${sql.id(schema)}`.execute(trx);
    await createSystemTables(trx, schema);
    return tenant;
  });
}

export async function findTenant(db: Db, slug: string): Promise<Tenant> {
  const row = await db.withSchema('platform').selectFrom('tenant').select(['id', 'slug', 'schema', 'name']).where('slug', '=', slug).executeTakeFirst();
  if (!row) throw new AppError('TENANT_NOT_FOUND', { slug });
  return row as Tenant;
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return (await db.withSchema('platform').selectFrom('tenant').select(['id', 'slug', 'schema', 'name']).orderBy('slug').execute()) as Tenant[];
}
