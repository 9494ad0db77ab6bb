import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';

// Engine.prune deletes the engine's bookkeeping past its time, and nothing else: not business
// data or its history, not events a consumer still waits for, not recent rows.

const day = 86_400_000;
const app = {
  objects: [
    {
      name: 'deal',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'hits', type: 'integer' },
      ],
    },
    { name: 'note', fields: [{ name: 'text', type: 'text' }] },
  ],
  automations: [
    { name: 'created_hits', object: 'deal', trigger: { kind: 'record.created' }, actions: [{ id: 'add', kind: 'addScore', field: 'hits', amount: 5 }] },
  ],
};

describe.each(await backends())('retention on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`ret${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    await t.schema.publish(app);
  });
  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
    }
    await engine.close();
  });

  const rows = async (table: string) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.id(t.tenant.schema, table)}`.execute(database.db)).rows[0]?.n);
  const jobs = async () => (await engine.jobs.list({ tenantId: t.tenant.id, limit: 1000 })).length;

  it('keeps what is recent, deletes what is past its time, and keeps data, history and what a consumer still waits for', async () => {
    const deal = (await t.records.create('deal', { title: 'D' })).id as string;
    await t.records.create('note', { text: 'n' });
    while ((await engine.jobs.runDue()).ran > 0);
    expect((await t.records.get('deal', deal)).hits).toBe(5);
    const before = { events: await rows('_outbox'), effects: await rows('_automation_effect'), runs: await rows('_automation_run'), jobs: await jobs() };
    expect(before).toMatchObject({ effects: 1, runs: 1 });
    expect(before.events).toBeGreaterThanOrEqual(3);
    expect(before.jobs).toBeGreaterThanOrEqual(2);

    // A day later nothing is old enough.
    expect(await engine.prune(new Date(clock.now().getTime() + day))).toEqual({ jobs: 0, tenants: {} });

    // An event the dispatcher has not handled yet stays, however old.
    const waiting = (await t.records.create('deal', { title: 'waiting' })).id as string;
    const pruned = await engine.prune(new Date(clock.now().getTime() + 100 * day));
    expect(pruned.jobs).toBe(before.jobs);
    expect(pruned.tenants[t.tenant.slug]).toEqual({ effects: 1, events: before.events, runs: 1 });
    // Only the dispatch the waiting event woke is left: a queued job is never old.
    expect((await engine.jobs.list({ tenantId: t.tenant.id, limit: 1000 })).map((j) => j.state)).toEqual(['queued']);
    expect(await rows('_outbox')).toBe(1);
    const [left] = (await sql<{ record_id: string }>`select record_id from ${sql.id(t.tenant.schema, '_outbox')}`.execute(database.db)).rows;
    expect(left?.record_id).toBe(waiting);
    // The records and their history are untouched, and the waiting event is still dispatched.
    expect((await t.records.history('deal', deal)).length).toBe(2);
    while ((await engine.jobs.runDue()).ran > 0);
    expect((await t.records.get('deal', waiting)).hits).toBe(5);
  });
});
