import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Backend, Database } from '../db/database';
import { Engine, type EngineOptions, type TenantEngine } from '../engine';
import { openTestDatabase } from './databases';

export interface TestTenant {
  engine: Engine;
  tenant: TenantEngine;
  close(): Promise<void>;
}

/**
 * An engine over a test database. Test files run in parallel against one PostgreSQL server, so
 * two may create the shared platform schema at the same moment: the loser retries.
 */
export async function attachTestEngine(database: Database, opts: Omit<EngineOptions, 'url'> = {}): Promise<Engine> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await Engine.attach(database, { revisionCheckMs: 0, ...opts });
    } catch (e) {
      if (attempt > 5) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200));
    }
  }
}

/**
 * A fresh tenant (its own schema) on the given backend, for one test file. Test files run in
 * parallel against one PostgreSQL server without seeing each other's tables.
 */
export async function setupTenant(backend: Backend, opts: { poolSize?: number } = {}): Promise<TestTenant> {
  const database = await openTestDatabase(backend, opts.poolSize);
  const engine = await attachTestEngine(database);
  const slug = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const tenant = await engine.createTenant(slug);
  return {
    engine,
    tenant,
    async close() {
      if (backend === 'postgres') {
        await sql`drop schema if exists ${sql.id(tenant.tenant.schema)} cascade`.execute(database.db);
        await database.db.withSchema('platform').deleteFrom('tenant').where('slug', '=', slug).execute();
      }
      await database.close();
    },
  };
}

/** Awaits a promise that must fail, and returns the AppError-like value it failed with. */
export async function failure(p: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; details: Record<string, unknown>; message: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
