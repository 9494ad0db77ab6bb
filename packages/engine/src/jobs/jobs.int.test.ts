import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { backends, dropSchema, openTestDatabase, uniqueSchemaName } from '../testing/databases';
import { attachTestEngine, failure } from '../testing/engine';
import { ManualClock } from './clock';
import { Jobs } from './jobs';
import { type Job, JobLeaseLost } from './types';

const minute = 60_000;
const hour = 60 * minute;

// The platform tables are shared by every test file on one PostgreSQL server: each test works in
// queues of its own (workers only look at the queues they handle).
const made: string[] = [];
const queueName = (what: string) => {
  const name = `test.${what}.${randomBytes(4).toString('hex')}`;
  made.push(name);
  return name;
};

/** A gate a handler waits at until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

/** Waits until `check` holds; fails only after a generous hang guard (heartbeats run every few ms). */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(await backends())('durable jobs on %s', (backend) => {
  let database: Database;
  let effects: string;
  const db = () => database.db;
  const effectsOf = async (jobId: number) =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.id(effects, 'effect')} where job_id = ${jobId}`.execute(db())).rows[0]?.n);

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await attachTestEngine(database);
    effects = uniqueSchemaName('jobs');
    await sql`create schema ${sql.id(effects)}`.execute(db());
    await sql`create table ${sql.id(effects, 'effect')} (job_id bigint not null, worker text not null)`.execute(db());
  });
  afterAll(async () => {
    await db().withSchema('platform').deleteFrom('job').where('queue', 'in', made).execute();
    await db().withSchema('platform').deleteFrom('job_schedule').where('name', 'in', made).execute();
    await dropSchema(db(), effects);
    await database.close();
  });

  it('runs a job enqueued in a committed transaction once, and nothing of one rolled back', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const jobs = new Jobs(db(), { clock, worker: 'w1' });
    const queue = queueName('tx');
    const seen: unknown[] = [];
    jobs.register(queue, async (job) => {
      seen.push(job.payload);
      return { handled: (job.payload as { n: number }).n };
    });
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await jobs.enqueue(trx, { queue, payload: { n: 1 } });
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    expect(await jobs.list({ queue })).toEqual([]);
    const { id } = await db()
      .transaction()
      .execute((trx) => jobs.enqueue(trx, { queue, payload: { n: 2 } }));
    expect(await jobs.runDue()).toMatchObject({ ran: 1, done: 1 });
    expect(await jobs.runDue()).toMatchObject({ ran: 0 });
    expect(seen).toEqual([{ n: 2 }]);
    expect(await jobs.get(id)).toMatchObject({
      state: 'done',
      attempts: 1,
      result: { handled: 2 },
      finishedAt: '2026-03-02T08:00:00.000Z',
      lockedBy: null,
    });
    expect(await jobs.history(id)).toEqual([
      { jobId: id, attempt: 1, worker: 'w1', startedAt: '2026-03-02T08:00:00.000Z', finishedAt: '2026-03-02T08:00:00.000Z', outcome: 'done', error: null },
    ]);
  });

  it('adds a keyed job once however often it is enqueued', async () => {
    const jobs = new Jobs(db(), { clock: new ManualClock() });
    const queue = queueName('keyed');
    const first = await jobs.enqueue(db(), { queue, key: 'invoice:42', payload: { v: 1 } });
    const again = await jobs.enqueue(db(), { queue, key: 'invoice:42', payload: { v: 2 } });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(await jobs.enqueueMany(db(), [{ queue, key: 'invoice:42' }, { queue, key: 'invoice:43' }, { queue }])).toBe(2);
    const listed = await jobs.list({ queue });
    expect(listed.map((j) => j.key)).toEqual([null, 'invoice:43', 'invoice:42']);
    expect((await jobs.get(first.id))?.payload).toEqual({ v: 1 });
    // The same key in another queue is another job.
    expect((await jobs.enqueue(db(), { queue: queueName('other'), key: 'invoice:42' })).created).toBe(true);
  });

  it('waits for run_at by the clock and runs higher priorities first', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const jobs = new Jobs(db(), { clock });
    const queue = queueName('order');
    const order: string[] = [];
    jobs.register(queue, (job) => void order.push((job.payload as { name: string }).name), { batchSize: 1 });
    await jobs.enqueue(db(), { queue, payload: { name: 'later' }, runAt: new Date('2026-03-02T09:00:00Z') });
    await jobs.enqueue(db(), { queue, payload: { name: 'low' } });
    await jobs.enqueue(db(), { queue, payload: { name: 'high' }, priority: 10 });
    await jobs.runDue();
    expect(order).toEqual(['high', 'low']);
    clock.set('2026-03-02T08:59:59.999Z');
    expect((await jobs.runDue()).ran).toBe(0);
    clock.set('2026-03-02T09:00:00Z');
    await jobs.runDue();
    expect(order).toEqual(['high', 'low', 'later']);
  });

  it('retries a failing job with exponential backoff by the clock, then dead-letters it; retry() revives it', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const jobs = new Jobs(db(), { clock, worker: 'w1' });
    const queue = queueName('flaky');
    const dead: Job[] = [];
    let failing = true;
    jobs.register(
      queue,
      async () => {
        if (failing) throw Object.assign(new Error('the mail server said no'), { code: 'SMTP_550' });
        return 'sent';
      },
      { onDead: (job) => void dead.push(job) },
    );
    const { id } = await jobs.enqueue(db(), { queue, maxAttempts: 3, backoffMs: minute });
    expect(await jobs.runDue()).toMatchObject({ ran: 1, retried: 1 });
    // Attempt 2 is due after 1 minute (plus at most 10% jitter), not before.
    const afterFirst = await jobs.get(id);
    expect(afterFirst).toMatchObject({ state: 'queued', attempts: 1, lastError: 'SMTP_550: the mail server said no' });
    const firstDelay = Date.parse(afterFirst?.runAt as string) - clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(minute);
    expect(firstDelay).toBeLessThanOrEqual(1.1 * minute);
    clock.advance(minute - 1);
    expect((await jobs.runDue()).ran).toBe(0);
    clock.advance(0.1 * minute + 1);
    expect(await jobs.runDue()).toMatchObject({ ran: 1, retried: 1 });
    // Attempt 3 after 2 minutes.
    const secondDelay = Date.parse((await jobs.get(id))?.runAt as string) - clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(2 * minute);
    expect(secondDelay).toBeLessThanOrEqual(2.2 * minute);
    clock.advance(2.2 * minute);
    expect(await jobs.runDue()).toMatchObject({ ran: 1, dead: 1 });
    expect(await jobs.get(id)).toMatchObject({
      state: 'dead',
      attempts: 3,
      lastError: 'SMTP_550: the mail server said no',
      finishedAt: clock.now().toISOString(),
    });
    expect(dead.map((j) => j.id)).toEqual([id]);
    expect(await jobs.list({ queue, state: 'dead' })).toHaveLength(1);
    clock.advance(hour);
    expect((await jobs.runDue()).ran).toBe(0);
    const history = await jobs.history(id);
    expect(history.map((r) => [r.attempt, r.outcome, r.error])).toEqual([
      [1, 'error', 'SMTP_550: the mail server said no'],
      [2, 'error', 'SMTP_550: the mail server said no'],
      [3, 'error', 'SMTP_550: the mail server said no'],
    ]);
    // Put back by hand after the cause is fixed: one more attempt, due now.
    failing = false;
    expect(await jobs.retry(id)).toMatchObject({ state: 'queued', maxAttempts: 4 });
    expect(await jobs.retry(id)).toBeUndefined();
    expect(await jobs.runDue()).toMatchObject({ ran: 1, done: 1 });
    expect(await jobs.get(id)).toMatchObject({ state: 'done', attempts: 4, result: 'sent', lastError: null });
    expect((await jobs.history(id)).map((r) => r.outcome)).toEqual(['error', 'error', 'error', 'done']);
  });

  it('cancels a job that has not started, and not one that has finished', async () => {
    const jobs = new Jobs(db(), { clock: new ManualClock() });
    const queue = queueName('cancel');
    jobs.register(queue, () => 'ran');
    const a = await jobs.enqueue(db(), { queue });
    expect(await jobs.cancel(a.id)).toBe(true);
    expect((await jobs.runDue()).ran).toBe(0);
    expect((await jobs.get(a.id))?.state).toBe('cancelled');
    const b = await jobs.enqueue(db(), { queue });
    await jobs.runDue();
    expect(await jobs.cancel(b.id)).toBe(false);
  });

  it('refuses bad input with VALIDATION_FAILED naming each field', async () => {
    const jobs = new Jobs(db(), { clock: new ManualClock() });
    const bad = await failure(jobs.enqueue(db(), { queue: 'has space', maxAttempts: 0, backoffMs: -1, runAt: new Date('nope'), key: '' }));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect((bad.details.problems as { field: string }[]).map((p) => p.field).sort()).toEqual(['backoffMs', 'key', 'maxAttempts', 'queue', 'runAt']);
    const cron = await failure(jobs.schedule({ name: queueName('s'), cron: '61 * * * *', queue: 'q' }));
    expect(cron).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ field: 'cron' }] } });
    const zone = await failure(jobs.schedule({ name: queueName('s'), cron: '0 * * * *', timeZone: 'Mars/Olympus', queue: 'q' }));
    expect(zone).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ field: 'timeZone' }] } });
    expect(() => jobs.register('q', () => {}, { concurrency: 0 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('enqueues one job per cron slot, in the schedule’s time zone', async () => {
    const clock = new ManualClock('2026-03-02T10:30:00Z');
    const jobs = new Jobs(db(), { clock });
    const queue = queueName('cron');
    const name = queueName('every-hour');
    const payloads: Record<string, unknown>[] = [];
    jobs.register(queue, (job) => void payloads.push(job.payload as Record<string, unknown>));
    expect(await jobs.schedule({ name, cron: '0 * * * *', queue, payload: { report: 'pipeline' } })).toMatchObject({
      nextRunAt: '2026-03-02T11:00:00.000Z',
      lastRunAt: null,
    });
    clock.set('2026-03-02T10:59:59Z');
    expect(await jobs.runDue()).toMatchObject({ scheduled: 0, ran: 0 });
    clock.set('2026-03-02T11:00:00Z');
    expect(await jobs.runDue()).toMatchObject({ scheduled: 1, ran: 1, done: 1 });
    expect(await jobs.runDue()).toMatchObject({ scheduled: 0, ran: 0 });
    clock.set('2026-03-02T12:00:30Z');
    expect(await jobs.runDue()).toMatchObject({ scheduled: 1, ran: 1 });
    expect(payloads).toEqual([
      { report: 'pipeline', schedule: name, slot: '2026-03-02T11:00:00.000Z', missed: 0 },
      { report: 'pipeline', schedule: name, slot: '2026-03-02T12:00:00.000Z', missed: 0 },
    ]);
    expect((await jobs.list({ queue })).map((j) => j.key)).toEqual([`${name}@2026-03-02T12:00:00.000Z`, `${name}@2026-03-02T11:00:00.000Z`]);
    // 09:00 in Shanghai is 01:00 UTC.
    const daily = await jobs.schedule({ name: queueName('daily'), cron: '0 9 * * *', timeZone: 'Asia/Shanghai', queue });
    expect(daily.nextRunAt).toBe('2026-03-03T01:00:00.000Z');
    await jobs.unschedule(daily.name);
    await jobs.unschedule(name);
  });

  it('catches up a schedule missed while no worker ran once, counting the slots missed', async () => {
    const clock = new ManualClock('2026-03-02T10:30:00Z');
    const name = queueName('catch-up');
    const queue = queueName('catch-up');
    await new Jobs(db(), { clock }).schedule({ name, cron: '*/15 * * * *', queue });
    // No worker for three hours; then one starts and declares its schedules again, as a process does.
    clock.set('2026-03-02T13:40:00Z');
    const jobs = new Jobs(db(), { clock });
    const payloads: unknown[] = [];
    jobs.register(queue, (job) => void payloads.push(job.payload));
    expect((await jobs.schedule({ name, cron: '*/15 * * * *', queue })).nextRunAt).toBe('2026-03-02T10:45:00.000Z');
    expect(await jobs.runDue()).toMatchObject({ scheduled: 1, ran: 1 });
    expect(await jobs.runDue()).toMatchObject({ scheduled: 0, ran: 0 });
    // 10:45 … 13:30 are due: the latest runs, the 11 before it are counted as missed.
    expect(payloads).toEqual([{ schedule: name, slot: '2026-03-02T13:30:00.000Z', missed: 11 }]);
    expect((await jobs.schedules()).find((s) => s.name === name)).toMatchObject({
      nextRunAt: '2026-03-02T13:45:00.000Z',
      lastRunAt: '2026-03-02T13:40:00.000Z',
    });
    // A changed cron starts from the next slot of the new one.
    expect((await jobs.schedule({ name, cron: '0 * * * *', queue })).nextRunAt).toBe('2026-03-02T14:00:00.000Z');
    await jobs.unschedule(name);
  });

  it('lets two workers on one database catch up a schedule once and split a batch without running a job twice', async () => {
    const clock = new ManualClock('2026-03-02T10:30:00Z');
    const queue = queueName('shared');
    const name = queueName('shared-schedule');
    const ran = new Map<number, string[]>();
    const workers = ['a', 'b'].map((w) => {
      const jobs = new Jobs(db(), { clock, worker: w });
      jobs.register(
        queue,
        async (job, ctx) => {
          ran.set(job.id, [...(ran.get(job.id) ?? []), w]);
          await ctx.complete((trx) => sql`insert into ${sql.id(effects, 'effect')} (job_id, worker) values (${job.id}, ${w})`.execute(trx));
        },
        { concurrency: 3, batchSize: 7 },
      );
      return jobs;
    });
    await workers[0]?.schedule({ name, cron: '0 * * * *', queue });
    await workers[0]?.enqueueMany(
      db(),
      Array.from({ length: 300 }, (_, i) => ({ queue, payload: { i } })),
    );
    clock.set('2026-03-02T15:10:00Z');
    const passes = await Promise.all(workers.map((w) => w.runDue()));
    expect(passes.map((p) => p.scheduled).sort()).toEqual([0, 1]);
    expect(passes.reduce((n, p) => n + p.done, 0)).toBe(301);
    expect(ran.size).toBe(301);
    expect([...ran.values()].every((by) => by.length === 1)).toBe(true);
    const total = await sql<{ n: number; jobs: number }>`
      select count(*) as n, count(distinct e.job_id) as jobs from ${sql.id(effects, 'effect')} e
      join platform.job j on j.id = e.job_id where j.queue = ${queue}`.execute(db());
    expect(total.rows[0]).toEqual({ n: 301, jobs: 301 });
    expect(passes.every((p) => p.done > 0)).toBe(true);
    await workers[0]?.unschedule(name);
  });

  it('takes back a job whose worker stopped answering, records that run as lost, and refuses the stale worker’s effect', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const queue = queueName('lease');
    const stuck = gate();
    const reached = gate();
    let staleOutcome: unknown;
    const a = new Jobs(db(), { clock, worker: 'a' });
    a.register(
      queue,
      async (job, ctx) => {
        reached.open();
        await stuck.opened;
        try {
          await ctx.complete((trx) => sql`insert into ${sql.id(effects, 'effect')} (job_id, worker) values (${job.id}, 'a')`.execute(trx));
          staleOutcome = 'completed';
        } catch (e) {
          staleOutcome = e;
          throw e;
        }
      },
      { leaseMs: 30_000 },
    );
    const b = new Jobs(db(), { clock, worker: 'b' });
    b.register(queue, async (job, ctx) => {
      await ctx.complete((trx) => sql`insert into ${sql.id(effects, 'effect')} (job_id, worker) values (${job.id}, 'b')`.execute(trx));
    });
    const { id } = await a.enqueue(db(), { queue });
    const passA = a.runDue();
    await reached.opened;
    // Within the lease, b leaves the job alone.
    clock.advance(29_000);
    expect((await b.runDue()).ran).toBe(0);
    clock.advance(2_000);
    expect(await b.runDue()).toMatchObject({ reclaimed: 1, ran: 1, done: 1 });
    stuck.open();
    expect(await passA).toMatchObject({ ran: 1, lost: 1, done: 0 });
    expect(staleOutcome).toBeInstanceOf(JobLeaseLost);
    expect(await effectsOf(id)).toBe(1);
    expect(await jobs(id)).toMatchObject({ state: 'done', attempts: 2 });
    expect((await b.history(id)).map((r) => [r.attempt, r.worker, r.outcome])).toEqual([
      [1, 'a', 'lost'],
      [2, 'b', 'done'],
    ]);
  });

  it('dead-letters a job whose last attempt was lost with its worker', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const queue = queueName('lost-last');
    const stuck = gate();
    const reached = gate();
    const a = new Jobs(db(), { clock, worker: 'a' });
    a.register(
      queue,
      async () => {
        reached.open();
        await stuck.opened;
      },
      { leaseMs: 1000 },
    );
    const dead: number[] = [];
    const b = new Jobs(db(), { clock, worker: 'b' });
    b.register(queue, () => {}, { onDead: (job) => void dead.push(job.id) });
    const { id } = await a.enqueue(db(), { queue, maxAttempts: 1 });
    const passA = a.runDue();
    await reached.opened;
    clock.advance(1001);
    expect(await b.runDue()).toMatchObject({ reclaimed: 1, ran: 0 });
    stuck.open();
    expect(await passA).toMatchObject({ lost: 1 });
    expect(await jobs(id)).toMatchObject({ state: 'dead', lastError: 'worker a stopped before finishing (lease expired)' });
    expect(dead).toEqual([id]);
  });

  it('keeps a running job’s lease alive by heartbeats, so no other worker takes it', async () => {
    const clock = new ManualClock('2026-03-02T08:00:00Z');
    const queue = queueName('heartbeat');
    const stuck = gate();
    const reached = gate();
    const a = new Jobs(db(), { clock, worker: 'a' });
    a.register(
      queue,
      async () => {
        reached.open();
        await stuck.opened;
        return 'finished';
      },
      { leaseMs: 60 },
    );
    const b = new Jobs(db(), { clock, worker: 'b' });
    b.register(queue, () => 'taken');
    const { id } = await a.enqueue(db(), { queue });
    const passA = a.runDue();
    await reached.opened;
    // Past the first lease (08:00:00.060) in steps, each within a lease the heartbeat renewed.
    for (const at of ['2026-03-02T08:00:00.050Z', '2026-03-02T08:00:00.100Z', '2026-03-02T08:00:00.150Z']) {
      clock.set(at);
      const renewed = new Date(Date.parse(at) + 60).toISOString();
      await eventually(`the lease renewed until ${renewed}`, async () => (await a.get(id))?.lockedUntil === renewed);
      expect(await b.runDue()).toMatchObject({ reclaimed: 0, ran: 0 });
    }
    stuck.open();
    expect(await passA).toMatchObject({ done: 1, lost: 0 });
    expect(await a.get(id)).toMatchObject({ state: 'done', attempts: 1, result: 'finished' });
  });

  it('gives back the jobs of a batch that had not started when it stops, and waits for the running one', async () => {
    const queue = queueName('stop');
    const stuck = gate();
    const reached = gate();
    const jobs = new Jobs(db());
    let ran = 0;
    jobs.register(
      queue,
      async () => {
        ran++;
        reached.open();
        await stuck.opened;
      },
      { concurrency: 1, batchSize: 5 },
    );
    await jobs.enqueueMany(
      db(),
      Array.from({ length: 5 }, (_, i) => ({ queue, payload: { i } })),
    );
    jobs.start({ pollMs: 3_600_000 });
    await reached.opened;
    const stopped = jobs.stop();
    stuck.open();
    await stopped;
    expect(ran).toBe(1);
    const all = await jobs.list({ queue });
    expect(all.map((j) => [j.state, j.attempts, j.lockedBy]).sort()).toEqual([
      ['done', 1, null],
      ['queued', 0, null],
      ['queued', 0, null],
      ['queued', 0, null],
      ['queued', 0, null],
    ]);
    for (const j of all.filter((j) => j.state === 'queued')) expect(await jobs.history(j.id)).toEqual([]);
  });

  it('runs workers in the background until stopped, woken by an enqueue', async () => {
    const jobs = new Jobs(db());
    const queue = queueName('loop');
    const done = gate();
    const seen: number[] = [];
    jobs.register(queue, (job) => {
      seen.push((job.payload as { n: number }).n);
      if (seen.length === 3) done.open();
    });
    // A long poll: only the wake-up after each enqueue gets these run before the test's guard.
    jobs.start({ pollMs: 3_600_000 });
    expect(jobs.running).toBe(true);
    for (const n of [1, 2, 3]) await jobs.enqueue(db(), { queue, payload: { n } });
    await done.opened;
    await jobs.stop();
    expect(jobs.running).toBe(false);
    expect(seen.sort()).toEqual([1, 2, 3]);
    // Stopped: a new job waits for the next worker.
    const { id } = await jobs.enqueue(db(), { queue, payload: { n: 4 } });
    expect((await jobs.get(id))?.state).toBe('queued');
  });

  it('foreground first: a loop waits for a gap in the requests being served, and still advances under constant load', async () => {
    const queue = queueName('foreground');
    const seen: number[] = [];
    // A long wait for a gap: while the process is busy, the job stays queued…
    let busy = true;
    const patient = new Jobs(db());
    patient.register(queue, (job) => {
      seen.push((job.payload as { n: number }).n);
    });
    patient.start({ pollMs: 3_600_000, foreground: () => busy, yieldMs: 3_600_000 });
    const { id } = await patient.enqueue(db(), { queue, payload: { n: 1 } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await patient.get(id))?.state).toBe('queued');
    // …and runs as soon as the requests are answered.
    busy = false;
    await eventually('the job to run once the process is idle', async () => seen.length === 1);
    await patient.stop();
    // Never idle: a short wait still lets every job through, a batch per wait.
    const pressed = new Jobs(db());
    pressed.register(queue, (job) => {
      seen.push((job.payload as { n: number }).n);
    });
    pressed.start({ pollMs: 3_600_000, foreground: () => true, yieldMs: 20 });
    await pressed.enqueueMany(
      db(),
      [2, 3, 4].map((n) => ({ queue, payload: { n } })),
    );
    await eventually('every job to run under constant load', async () => seen.length === 4);
    await pressed.stop();
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });

  it('under constant load jobs run on a duty cycle: after a batch, a pause that keeps them to their share of the time', async () => {
    const queue = queueName('duty');
    const spans: { start: number; end: number }[] = [];
    const pressed = new Jobs(db());
    pressed.register(
      queue,
      async () => {
        const start = Date.now();
        await new Promise((r) => setTimeout(r, 40));
        spans.push({ start, end: Date.now() });
      },
      { batchSize: 1 },
    );
    // At most a quarter of the time: a 40 ms batch is followed by a pause of at least 120 ms.
    pressed.start({ pollMs: 3_600_000, foreground: () => true, yieldMs: 1, backgroundShare: 0.25 });
    await pressed.enqueueMany(
      db(),
      [1, 2, 3, 4].map((n) => ({ queue, payload: { n } })),
    );
    await eventually('every job to run under constant load', async () => spans.length === 4);
    await pressed.stop();
    for (let i = 1; i < spans.length; i++) {
      const [before, after] = [spans[i - 1], spans[i]] as [{ start: number; end: number }, { start: number; end: number }];
      expect(after.start - before.end).toBeGreaterThanOrEqual(3 * (before.end - before.start) - 5);
    }
  });

  async function jobs(id: number) {
    return new Jobs(db()).get(id);
  }
});
