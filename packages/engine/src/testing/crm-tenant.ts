import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadRegistry } from '@tangram/templates';
import { sql } from 'kysely';
import type { Backend, Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { openTestDatabase } from './databases';

/** The templates shipped in templates/, read from disk as an install reads them. */
export const bundledTemplates = () => loadRegistry(fileURLToPath(new URL('../../../../templates', import.meta.url)));

export interface CrmTenant {
  engine: Engine;
  tenant: TenantEngine;
  clock: ManualClock;
  /** A member of the tenant (its user id). */
  member(name: string): Promise<string>;
  /** Runs the due jobs until a pass finds nothing to do (an automation's write can enqueue more). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh tenant with core + crm installed from templates/, on an engine whose clock the test moves. */
export async function crmTenant(backend: Backend, start: string): Promise<CrmTenant> {
  const database: Database = await openTestDatabase(backend);
  const clock = new ManualClock(start);
  const engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
  const slug = `crm${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const tenant = await engine.createTenant(slug);
  const registry = bundledTemplates();
  await tenant.templates.install('crm', (n) => registry.get(n));
  // The time rules' sweeps are minutely schedules; the first sweep arms them (moments from then on fire).
  await engine.automations.schedule();
  clock.advance(60_000);
  await engine.jobs.runDue();
  return {
    engine,
    tenant,
    clock,
    async member(name) {
      const u = await engine.identity.createUser({ email: `${name}.${randomBytes(4).toString('hex')}@crm.test`, name, password: 'long enough pw 1' });
      await engine.identity.addMember(tenant.tenant, u, 'member');
      return u.id;
    },
    async settle() {
      for (let i = 0; i < 10 && (await engine.jobs.runDue()).ran > 0; i++);
    },
    async close() {
      if (backend === 'postgres') {
        await sql`drop schema if exists ${sql.id(tenant.tenant.schema)} cascade`.execute(database.db);
        await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', tenant.tenant.id).execute();
      }
      await engine.close();
    },
  };
}
