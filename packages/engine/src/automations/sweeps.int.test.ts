import { randomBytes, randomInt } from 'node:crypto';
import type { AutomationInput } from '@tangram/metadata';
import type { Automation } from '@tangram/metadata';
import fc from 'fast-check';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type Database, openDatabase } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, postgresUrl } from '../testing/databases';
import { runQueue } from './runtime';
import { dayIn, dueQuery } from './sweep-query';
import { sweepQueue } from './sweeps';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const zone = 'Asia/Shanghai';
const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });
const add = (field: string) => ({ id: 'add', kind: 'addScore' as const, field, amount: 1 });

const automations: AutomationInput[] = [
  {
    name: 'renew',
    object: 'contract',
    trigger: { kind: 'date.relative', field: 'end_date', offset: { amount: 3, unit: 'days' }, direction: 'before' },
    condition: { '!=': [{ var: 'status' }, 'cancelled'] },
    actions: [
      {
        id: 'up',
        kind: 'updateRecord',
        target: { kind: 'self' },
        values: [{ field: 'reminders', formula: { '+': [{ if: [{ var: 'reminders' }, { var: 'reminders' }, 0] }, 1] } }],
      },
    ],
  },
  {
    name: 'call_back',
    object: 'contract',
    trigger: { kind: 'date.relative', field: 'call_at', offset: { amount: 30, unit: 'minutes' }, direction: 'after' },
    actions: [add('calls')],
  },
  {
    name: 'stale_lead',
    object: 'lead',
    trigger: { kind: 'inactivity', fields: ['last_follow_up_at', 'next_step_at'], days: 7 },
    condition: { '!=': [{ var: 'stage' }, 'won'] },
    actions: [add('nudges')],
  },
  {
    name: 'hourly_gold',
    object: 'account',
    trigger: { kind: 'schedule', cron: '0 * * * *', timeZone: 'UTC' },
    condition: { '==': [{ var: 'tier' }, 'gold'] },
    actions: [add('pings')],
  },
  {
    name: 'off',
    object: 'lead',
    enabled: false,
    trigger: { kind: 'inactivity', fields: ['last_follow_up_at'], days: 1 },
    actions: [{ ...add('nudges'), amount: 100 }],
  },
];

const app = {
  objects: [
    {
      name: 'contract',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'end_date', type: 'date' },
        { name: 'call_at', type: 'datetime' },
        { name: 'status', type: 'select', options: choice('active', 'cancelled') },
        { name: 'reminders', type: 'integer' },
        { name: 'calls', type: 'integer' },
      ],
    },
    {
      name: 'lead',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'last_follow_up_at', type: 'datetime' },
        { name: 'next_step_at', type: 'datetime' },
        { name: 'stage', type: 'select', options: choice('new', 'won') },
        { name: 'nudges', type: 'integer' },
      ],
    },
    {
      name: 'account',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'tier', type: 'select', options: choice('gold', 'basic') },
        { name: 'pings', type: 'integer' },
      ],
    },
  ],
  automations,
};

/**
 * This file moves its clock years ahead, and the job queues live in the shared `platform` schema:
 * on PostgreSQL it gets a database of its own, so its worker never runs another file's jobs (which
 * would all be due by its clock) nor another file's worker its jobs.
 */
async function ownDatabase(backend: Backend): Promise<{ database: Database; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const database = await openDatabase();
    return { database, drop: async () => {} };
  }
  const name = `tangram_sweeps_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const database = await openDatabase({ url: postgresUrl.replace(/\/[^/]*$/, `/${name}`), poolSize: 10 });
  return { database, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

describe.each(await backends())('time-triggered automations (sweeps) on %s', (backend) => {
  let database: Database;
  let drop: () => Promise<void>;
  let engine: Engine;
  let t: TenantEngine;
  // Some day years ahead (no test should depend on today's date).
  const clock = new ManualClock(Date.UTC(2045, 0, 2, 8, 0) + randomInt(0, 20_000) * day);
  const queues = [sweepQueue, runQueue];
  /** The clock moves; the worker (sweeps, then their runs) catches up. */
  const at = async (ms: number) => {
    clock.advance(ms);
    return engine.jobs.runDue({ queues });
  };
  const get = async (object: string, id: string) => t.records.get(object, id);
  const runs = (name: string) => t.automations.runs(name);

  beforeAll(async () => {
    ({ database, drop } = await ownDatabase(backend));
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock, timeZone: zone });
    t = await engine.createTenant(`sweep${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    await t.schema.publish(app);
    await engine.automations.schedule();
    // The first sweep arms the rules: moments from then on fire.
    const first = await at(minute);
    expect(first.scheduled).toBeGreaterThanOrEqual(1);
  });
  afterAll(async () => {
    await engine.close();
    await drop();
  });

  it('publishing a date-triggered rule indexes the columns its sweep ranges over', async () => {
    const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = ${t.tenant.schema}`.execute(database.db);
    const defs = rows.map((r) => r.indexdef);
    const model = await t.model();
    const col = (object: string, field: string) => model.byName.get(object)?.byName.get(field)?.column as string;
    const watched = [
      ['contract', col('contract', 'end_date')],
      ['contract', col('contract', 'call_at')],
      ['lead', col('lead', 'last_follow_up_at')],
      ['lead', col('lead', 'next_step_at')],
      ['lead', 'created_at'],
    ] as const;
    for (const [object, column] of watched) {
      const table = model.byName.get(object)?.table as string;
      expect(
        defs.some((d) => d.includes(`.${table} USING btree (${column})`)),
        `${object}.${column}`,
      ).toBe(true);
    }
  });

  it('date.relative on a date: fires 3 days before the end date, not before, once, and again when the date moves', async () => {
    const end = dayIn(new Date(clock.now().getTime() + 10 * day), zone);
    const c = await t.records.create('contract', { title: 'C1', end_date: end, status: 'active' });
    const cancelled = await t.records.create('contract', { title: 'C2', end_date: end, status: 'cancelled' });
    const moment = new Date(`${end}T00:00:00+08:00`).getTime() - 3 * day;
    await at(moment - minute - clock.now().getTime());
    expect((await get('contract', c.id)).reminders).toBeNull();
    await at(2 * minute);
    expect((await get('contract', c.id)).reminders).toBe(1);
    await at(minute);
    await at(day);
    expect((await get('contract', c.id)).reminders).toBe(1);
    expect((await get('contract', cancelled.id)).reminders).toBeNull();
    const log = await runs('renew');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'succeeded', recordId: c.id, actions: [{ id: 'up', status: 'done' }] });
    expect(log[0]?.episodeId).toBeGreaterThan(0);
    // Renewed: the end date moves a month on, the reminder re-arms.
    const later = dayIn(new Date(new Date(`${end}T00:00:00+08:00`).getTime() + 30 * day), zone);
    await t.records.update('contract', c.id, { end_date: later });
    const moment2 = new Date(`${later}T00:00:00+08:00`).getTime() - 3 * day;
    await at(moment2 - minute - clock.now().getTime());
    expect((await get('contract', c.id)).reminders).toBe(1);
    await at(2 * minute);
    expect((await get('contract', c.id)).reminders).toBe(2);
    expect(await runs('renew')).toHaveLength(2);
  });

  it('date.relative on a datetime: fires 30 minutes after it, not before', async () => {
    const callAt = new Date(clock.now().getTime() + 2 * hour);
    const c = await t.records.create('contract', { title: 'C3', call_at: callAt.toISOString() });
    await at(2 * hour + 29 * minute);
    expect((await get('contract', c.id)).calls).toBeNull();
    await at(2 * minute);
    expect((await get('contract', c.id)).calls).toBe(1);
    await at(hour);
    expect((await get('contract', c.id)).calls).toBe(1);
  });

  it('inactivity: fires after 7 days without activity, once per episode, again after a new follow-up; not while the condition is false', async () => {
    const now = () => clock.now().toISOString();
    const lead = await t.records.create('lead', { name: 'L1', stage: 'new', last_follow_up_at: now() });
    const won = await t.records.create('lead', { name: 'L2', stage: 'won', last_follow_up_at: now() });
    // No activity at all: the creation time counts (set to the engine's clock: records take the wall clock's).
    const quiet = await t.records.create('lead', { name: 'L3', stage: 'new' });
    const table = (await t.model()).byName.get('lead')?.table as string;
    await sql`update ${sql.id(t.tenant.schema, table)} set created_at = ${now()}::timestamptz where id = ${quiet.id}`.execute(database.db);
    await at(7 * day - minute);
    expect((await get('lead', lead.id)).nudges).toBeNull();
    expect((await get('lead', quiet.id)).nudges).toBeNull();
    await at(2 * minute);
    expect((await get('lead', lead.id)).nudges).toBe(1);
    expect((await get('lead', quiet.id)).nudges).toBe(1);
    await at(3 * day);
    expect((await get('lead', lead.id)).nudges).toBe(1);
    expect((await get('lead', won.id)).nudges).toBeNull();
    // A follow-up: a new episode, due 7 days after it.
    await t.records.update('lead', lead.id, { last_follow_up_at: now() });
    await at(7 * day - minute);
    expect((await get('lead', lead.id)).nudges).toBe(1);
    await at(2 * minute);
    expect((await get('lead', lead.id)).nudges).toBe(2);
    // The disabled rule never ran, and its watermark followed the clock.
    expect(await runs('off')).toEqual([]);
  });

  it('schedule: each tick runs the rule on the records matching its condition, not between ticks', async () => {
    const gold = await t.records.create('account', { name: 'A1', tier: 'gold' });
    const basic = await t.records.create('account', { name: 'A2', tier: 'basic' });
    const toNextHour = hour - (clock.now().getTime() % hour);
    await at(toNextHour - minute);
    expect((await get('account', gold.id)).pings).toBeNull();
    await at(2 * minute);
    expect((await get('account', gold.id)).pings).toBe(1);
    await at(30 * minute);
    expect((await get('account', gold.id)).pings).toBe(1);
    expect((await get('account', basic.id)).pings).toBeNull();
  });

  it('catch-up: after the worker was down, one sweep fires the episodes that came due (once each) and the latest schedule tick', async () => {
    const lead = await t.records.create('lead', { name: 'L4', stage: 'new', last_follow_up_at: clock.now().toISOString() });
    const gold = await t.records.create('account', { name: 'A3', tier: 'gold' });
    const before = (await runs('hourly_gold')).length;
    // Nothing runs for 9 days (no worker): clock moves on without runDue.
    clock.advance(9 * day + 17 * minute);
    const pass = await engine.jobs.runDue({ queues });
    expect(pass.scheduled).toBe(1);
    const sweeps = await database.db
      .withSchema('platform')
      .selectFrom('job')
      .select(['payload'])
      .where('queue', '=', sweepQueue)
      .where('run_at', '>', new Date(clock.now().getTime() - 10 * day))
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    expect((sweeps[0]?.payload as { missed?: number } | undefined)?.missed).toBe(9 * 24 * 60 + 17 - 1);
    expect((await get('lead', lead.id)).nudges).toBe(1);
    expect((await get('account', gold.id)).pings).toBe(1);
    // One tick (the latest) ran for each gold account, the missed ones did not.
    const golds = (await t.records.query('account', { filter: { '==': [{ var: 'tier' }, 'gold'] } })).records.length;
    expect((await runs('hourly_gold')).length - before).toBe(golds);
    await at(minute);
    expect((await get('lead', lead.id)).nudges).toBe(1);
  });

  it('two sweeps at once fire each episode once', async () => {
    const lead = await t.records.create('lead', { name: 'L5', stage: 'new', last_follow_up_at: clock.now().toISOString() });
    clock.advance(7 * day + minute);
    const [a, b] = await Promise.all([engine.automations.sweep(t), engine.automations.sweep(t)]);
    const id = (await t.model()).app.automations.find((x) => x.name === 'stale_lead')?.id;
    const fired = (r: typeof a) => r.find((x) => x.automation === id)?.fired ?? 0;
    expect(fired(a) + fired(b)).toBe(1);
    await engine.jobs.runDue({ queues });
    expect((await get('lead', lead.id)).nudges).toBe(1);
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.id(t.tenant.schema, '_automation_sweep')} where record_id = ${lead.id}`.execute(database.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('the due query returns exactly the records whose moment is in the window, for every date trigger shape (property)', async () => {
    const model = await t.model();
    const [contract, lead] = [model.byName.get('contract'), model.byName.get('lead')];
    if (!contract || !lead) throw new Error('model');
    const col = (om: typeof contract, name: string) => om.byName.get(name)?.column as string;
    const base = clock.now().getTime();
    const instant = fc.integer({ min: -40 * 24 * 60, max: 40 * 24 * 60 }).map((m) => new Date(base + m * minute));
    // Records with random dates (nulls included), written through the pipeline.
    const values = await fc.sample(fc.tuple(fc.option(instant), fc.option(instant), fc.option(instant)), { numRuns: 40, seed: 7 });
    const contracts = await t.records.bulkCreate(
      'contract',
      values.map(([d, c], i) => ({ title: `P${i}`, end_date: d ? dayIn(d, zone) : null, call_at: c?.toISOString() ?? null })),
    );
    const leads = await t.records.bulkCreate(
      'lead',
      values.map(([f, n], i) => ({ name: `P${i}`, last_follow_up_at: f?.toISOString() ?? null, next_step_at: n?.toISOString() ?? null })),
    );
    const mine = new Set([...contracts, ...leads].map((r) => r.id));
    const unit = { minutes: minute, hours: hour, days: day } as const;
    const trigger = fc.oneof(
      fc.record({
        kind: fc.constant('date.relative' as const),
        field: fc.constantFrom(col(contract, 'end_date'), col(contract, 'call_at')),
        offset: fc.record({ amount: fc.integer({ min: 0, max: 30 }), unit: fc.constantFrom('minutes' as const, 'hours' as const, 'days' as const) }),
        direction: fc.constantFrom('before' as const, 'after' as const),
      }),
      fc.record({
        kind: fc.constant('inactivity' as const),
        fields: fc.constantFrom([col(lead, 'last_follow_up_at')], [col(lead, 'last_follow_up_at'), col(lead, 'next_step_at')]),
        days: fc.integer({ min: 1, max: 20 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(trigger, instant, fc.integer({ min: 1, max: 20 * 24 * 60 }), async (tr, from, minutes) => {
        const w = { from, to: new Date(from.getTime() + minutes * minute) };
        const om = tr.kind === 'date.relative' ? contract : lead;
        const a = { id: 'p', name: 'p', label: {}, object: om.id, enabled: true, trigger: tr, actions: [], runAs: 'system' } as Automation;
        const q = dueQuery(t.tenant.schema, om, a, w, zone);
        const got = new Set(((await q?.query.execute(database.db))?.rows ?? []).map((r) => String(r.id)).filter((id) => mine.has(id)));
        // The oracle: each record's moment, computed in JS.
        const momentOf = (r: Record<string, unknown>): number | undefined => {
          const at = (column: string) => {
            const f = om.byColumn.get(column);
            const v = r[f ? f.name : column];
            if (v === null || v === undefined) return undefined;
            return f?.kind === 'date' ? new Date(`${v}T00:00:00+08:00`).getTime() : new Date(String(v)).getTime();
          };
          if (tr.kind === 'date.relative') {
            const v = at(tr.field);
            return v === undefined ? undefined : v + (tr.direction === 'after' ? 1 : -1) * tr.offset.amount * unit[tr.offset.unit];
          }
          const last = [...tr.fields, 'created_at'].map(at).find((v) => v !== undefined);
          return last === undefined ? undefined : last + tr.days * day;
        };
        const expected = new Set(
          (tr.kind === 'date.relative' ? contracts : leads)
            .filter((r) => {
              const m = momentOf(r);
              return m !== undefined && m > w.from.getTime() && m <= w.to.getTime();
            })
            .map((r) => r.id),
        );
        expect([...got].sort()).toEqual([...expected].sort());
      }),
      { numRuns: Number(process.env.SWEEP_RUNS ?? 60), seed: Number(process.env.SWEEP_SEED ?? Date.now() % 1e9) },
    );
  });
});
