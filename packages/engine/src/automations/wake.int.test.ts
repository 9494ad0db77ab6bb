import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import { dispatchQueue } from './runtime';

// Dispatch wake-ups are coalesced per tenant (runtime.ts wake): a burst of writes enqueues one
// dispatch, not one per write, and no event is left undispatched — also when the worker that
// starts the dispatch runs in another process than the writer.

const app = {
  objects: [
    {
      name: 'deal',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'hits', type: 'integer' },
      ],
    },
    { name: 'note', fields: [{ name: 'text', type: 'text' }] },
    { name: 'twin', fields: [{ name: 'hits', type: 'integer' }] },
  ],
  automations: [
    // Two rules on one event whose actions share an id: each makes its own effect.
    { name: 'twin_a', object: 'twin', trigger: { kind: 'record.created' }, actions: [{ id: 'add', kind: 'addScore', field: 'hits', amount: 1 }] },
    { name: 'twin_b', object: 'twin', trigger: { kind: 'record.created' }, actions: [{ id: 'add', kind: 'addScore', field: 'hits', amount: 10 }] },
    { name: 'created_hits', object: 'deal', trigger: { kind: 'record.created' }, actions: [{ id: 'add', kind: 'addScore', field: 'hits', amount: 5 }] },
  ],
};

describe.each(await backends())('dispatch wake-ups on %s', (backend) => {
  let database: Database;
  /** Stands for the worker process; each test opens its own writer process over the same database. */
  let worker: Engine;
  let slug = '';
  let schema = '';
  let tenantId = '';
  const clock = new ManualClock('2031-03-02T08:00:00Z');
  const writers: Engine[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    worker = await Engine.attach(database, { revisionCheckMs: 0, clock });
    slug = `wake${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const t = await worker.createTenant(slug);
    ({ schema, id: tenantId } = t.tenant);
    await t.schema.publish(app);
  });
  afterAll(async () => {
    for (const w of writers) {
      w.automations.close();
      await w.jobs.stop();
    }
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', tenantId).execute();
    }
    await worker.close();
  });

  async function writer(wakeMs: number): Promise<{ engine: Engine; t: TenantEngine }> {
    while ((await worker.jobs.runDue()).ran > 0);
    const engine = await Engine.attach(database, { revisionCheckMs: 0, clock, automationWakeMs: wakeMs });
    writers.push(engine);
    return { engine, t: await engine.tenant(slug) };
  }
  const queuedDispatches = async () => (await worker.jobs.list({ queue: dispatchQueue, state: 'queued', tenantId, limit: 500 })).length;
  const create = async (t: TenantEngine, title: string) => (await t.records.create('deal', { title })).id as string;
  const scores = async (t: TenantEngine, ids: string[]) => {
    const rows = (await t.records.query('deal', { filter: { in: [{ var: 'id' }, ids] }, limit: 500 })).records;
    return ids.map((id) => rows.find((r) => r.id === id)?.hits);
  };
  const drain = async (e: Engine) => {
    while ((await e.jobs.runDue()).ran > 0);
  };

  it('only events of watched objects wait for the dispatcher, and a dispatch leaves none waiting', async () => {
    const { t } = await writer(600_000);
    const pending = async () =>
      (
        await sql<{ object_id: string; n: number }>`select e.object_id, count(*)::int as n from ${sql.id(schema, '_outbox_pending')} p
          join ${sql.id(schema, '_outbox')} e on e.id = p.event_id where p.consumer = 'automations' group by 1 order by 1`.execute(database.db)
      ).rows.map((r) => [r.object_id, Number(r.n)]);
    const deal = (await t.model()).byName.get('deal')?.id;
    await drain(worker);
    expect(await pending()).toEqual([]);
    await create(t, 'watched');
    await t.records.create('note', { text: 'not watched' });
    await t.records.bulkCreate('note', [{ text: 'n1' }, { text: 'n2' }]);
    expect(await pending()).toEqual([[deal, 1]]);
    await drain(worker);
    expect(await pending()).toEqual([]);
  });

  it('two rules whose actions share an id each make their effect on one event', async () => {
    const { t } = await writer(600_000);
    const twin = (await t.records.create('twin', {})).id as string;
    await drain(worker);
    expect((await t.records.get('twin', twin)).hits).toBe(11);
  });

  it('a burst of 60 writes enqueues one dispatch, and every write is dispatched', async () => {
    const { t } = await writer(600_000);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await create(t, `D${i}`));
    expect(await queuedDispatches()).toBe(1);
    await drain(worker);
    expect(await scores(t, ids)).toEqual(ids.map(() => 5));
  });

  it('one dispatch job takes at most 400 events and leaves the rest to a job of its own (a burst is not drained by one job)', async () => {
    const { t } = await writer(600_000);
    const ids = (
      await t.records.bulkCreate(
        'deal',
        Array.from({ length: 450 }, (_, i) => ({ title: `B${i}` })),
      )
    ).map((r) => r.id as string);
    await drain(worker);
    expect(await scores(t, ids)).toEqual(ids.map(() => 5));
    const jobs = await worker.jobs.list({ queue: dispatchQueue, state: 'done', tenantId, limit: 500 });
    const events = jobs.map((j) => (j.result as { events: number }).events).filter((n) => n > 0);
    expect(Math.max(...events)).toBeLessThanOrEqual(400);
    expect(events.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(450);
  });

  it('a write made while the dispatch runs in another process is woken at the window’s end, not left for the catch-up', async () => {
    // A window long enough that the two writes fall in it on a loaded machine.
    const { t } = await writer(3000);
    const first = await create(t, 'first');
    expect(await queuedDispatches()).toBe(1);
    // The other process starts the dispatch; the writer cannot know, so its next wake is held back…
    await drain(worker);
    const second = await create(t, 'second');
    expect(await queuedDispatches()).toBe(0);
    expect(await scores(t, [first, second])).toEqual([5, null]);
    // …and made when the window ends.
    await vi.waitFor(async () => expect(await queuedDispatches()).toBe(1), { timeout: 60_000, interval: 50 });
    await drain(worker);
    expect(await scores(t, [first, second])).toEqual([5, 5]);
  });

  it('a wake held back for a dispatch that started in the writer’s own process is dropped: that dispatch read the write', async () => {
    const { engine, t } = await writer(1500);
    const a = await create(t, 'a');
    const b = await create(t, 'b');
    await drain(engine);
    expect(await scores(t, [a, b])).toEqual([5, 5]);
    // Past the window: no trailing wake was made.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await queuedDispatches()).toBe(0);
  });
});
