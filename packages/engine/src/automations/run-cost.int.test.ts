import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import { StatementCounter } from '../testing/statements';

// What one after-commit run costs, and that its parts commit together: the automation's last
// action in the database (here a record update), its effect key, its run and its job's completion
// are one transaction. The run queue drains at the rate of these statements (bench
// automation_latency), so a change that adds one to every run shows here.

const app = {
  objects: [
    {
      name: 'deal',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'owner_name', type: 'text' },
      ],
    },
  ],
  automations: [
    {
      name: 'touch',
      object: 'deal',
      trigger: { kind: 'record.created' as const },
      actions: [{ id: 'touch', kind: 'updateRecord' as const, target: { kind: 'self' as const }, values: [{ field: 'owner_name', value: 'automation' }] }],
    },
  ],
};

describe.each(await backends())('the cost of an automation run on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const counter = new StatementCounter();
  const clock = new ManualClock('2031-05-01T08:00:00Z');

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    database.db = database.db.withPlugin(counter);
    engine = await Engine.attach(database, { revisionCheckMs: 60_000, clock });
    t = await engine.createTenant(`cost${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    await t.schema.publish(app);
  }, 120_000);
  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
    }
    await engine.close();
  });

  it('a one-update run takes five statements, and its write, effect, run and job commit together', async () => {
    const n = 10;
    const runQueue = ['automations.run'];
    const idle = await counter.during('', () => engine.jobs.runDue({ queues: runQueue }));
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(((await t.records.create('deal', { name: `d${i}` })) as { id: string }).id);
    await engine.automations.dispatch(t, 'test');
    const used = await counter.during('', () => engine.jobs.runDue({ queues: runQueue }));
    expect(used.total).toBeGreaterThan(idle.total);
    // Per run: the job done (with its attempt), the record read locked, the record written (with
    // history and outbox), the effect key, the run. One claim for the batch, then the idle pass.
    expect(used.total - idle.total).toBeLessThanOrEqual(5 * n + 1);
    for (const id of ids) expect(await t.records.get('deal', id)).toMatchObject({ owner_name: 'automation' });
    const runs = await sql<{ status: string; finished: boolean; effects: number; done: boolean }>`
      select r.status, r.finished_at is not null as finished,
        (select count(*)::int from ${sql.id(t.tenant.schema, '_automation_effect')} e where e.key like r.event_id || ':%') as effects,
        (select j.state = 'done' from platform.job j where j.id = r.job_id) as done
      from ${sql.id(t.tenant.schema, '_automation_run')} r`.execute(database.db);
    expect(runs.rows).toHaveLength(n);
    for (const r of runs.rows) expect(r).toEqual({ status: 'succeeded', finished: true, effects: 1, done: true });
  });
});
