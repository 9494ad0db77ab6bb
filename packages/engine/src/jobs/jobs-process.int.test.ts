import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { dropSchema, openTestDatabase, postgresReachable, postgresUrl, uniqueSchemaName } from '../testing/databases';
import { attachTestEngine } from '../testing/engine';
import { Jobs } from './jobs';

// Worker processes over one PostgreSQL server (PGlite is one process's database). Waits are hang
// guards, not budgets: only counts are asserted.
const reachable = await postgresReachable();
if (!reachable && process.env.TANGRAM_REQUIRE_POSTGRES === '1') throw new Error(`TANGRAM_REQUIRE_POSTGRES=1 but PostgreSQL at ${postgresUrl} is not reachable`);
if (!reachable) console.warn(`PostgreSQL at ${postgresUrl} is not reachable: the worker-process tests (crash, two workers) are SKIPPED.`);

const fixture = fileURLToPath(new URL('./worker.fixture.ts', import.meta.url));
const guardMs = 600_000;
/** This file's queues end with it (they are deleted afterwards). */
const suffix = randomBytes(4).toString('hex');

interface Worker {
  name: string;
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startWorker(name: string, env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, DATABASE_URL: postgresUrl, WORKER: name, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker ${name} exited (${code}) before it was ready: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, ready, exited, stderr: () => err };
}

/** Polls `check` until it is true; fails (with what the workers said) only after the hang guard. */
async function until(what: string, check: () => Promise<boolean>, workers: Worker[]): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; workers said: ${workers.map((w) => `${w.name}: ${w.stderr()}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!reachable)('worker processes on postgres', () => {
  let database: Database;
  let effects: string;
  let jobs: Jobs;
  const running: Worker[] = [];
  const db = () => database.db;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    await attachTestEngine(database);
    jobs = new Jobs(db());
    effects = uniqueSchemaName('jobs_proc');
    await sql`create schema ${sql.id(effects)}`.execute(db());
    await sql`create table ${sql.id(effects, 'effect')} (job_id bigint not null, worker text not null)`.execute(db());
  });
  afterAll(async () => {
    for (const w of running) w.child.kill('SIGKILL');
    await db().withSchema('platform').deleteFrom('job').where('queue', 'like', `test.%.${suffix}`).execute();
    await dropSchema(db(), effects);
    await database.close();
  });

  const spawnWorker = (name: string, env: Record<string, string>) => {
    const w = startWorker(name, { EFFECTS: effects, ...env });
    running.push(w);
    return w;
  };
  const count = async (queue: string, where: 'effects' | 'done') => {
    const res =
      where === 'effects'
        ? await sql<{
            n: number;
          }>`select count(*) as n from ${sql.id(effects, 'effect')} e join platform.job j on j.id = e.job_id where j.queue = ${queue}`.execute(db())
        : await sql<{ n: number }>`select count(*) as n from platform.job where queue = ${queue} and state = 'done'`.execute(db());
    return Number(res.rows[0]?.n);
  };
  /** Effects per job of `queue`: how many jobs have each count, and who wrote them. */
  const tally = async (queue: string) => {
    const perJob = await sql<{ times: number; jobs: number }>`
      select times, count(*) as jobs from (
        select j.id, count(e.job_id) as times from platform.job j left join ${sql.id(effects, 'effect')} e on e.job_id = j.id
        where j.queue = ${queue} group by j.id) t
      group by times order by times`.execute(db());
    const byWorker = await sql<{ worker: string; n: number }>`
      select e.worker, count(*) as n from ${sql.id(effects, 'effect')} e join platform.job j on j.id = e.job_id
      where j.queue = ${queue} group by e.worker order by e.worker`.execute(db());
    return {
      perJob: Object.fromEntries(perJob.rows.map((r) => [Number(r.times), Number(r.jobs)])),
      byWorker: Object.fromEntries(byWorker.rows.map((r) => [r.worker, Number(r.n)])),
    };
  };

  it('after kill -9 of a worker in the middle of a batch, a new worker finishes: every effect exactly once', async () => {
    const queue = `test.crash.${suffix}`;
    const total = 400;
    await jobs.enqueueMany(
      db(),
      Array.from({ length: total }, (_, i) => ({ queue, payload: { i } })),
    );
    const first = spawnWorker('crash-1', { QUEUE: queue, DELAY_MS: '20', CONCURRENCY: '4', BATCH: '16', LEASE_MS: '1500' });
    await first.ready;
    await until('the first effects', async () => (await count(queue, 'effects')) >= 10, [first]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const atKill = await count(queue, 'effects');
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(total);
    const heldAtKill = await sql<{ id: number }>`
      select id from platform.job where queue = ${queue} and state = 'active' and locked_by = 'crash-1'`.execute(db());

    const second = spawnWorker('crash-2', { QUEUE: queue, CONCURRENCY: '4', BATCH: '16', LEASE_MS: '1500' });
    await until('every job done', async () => (await count(queue, 'done')) === total, [second]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Every job's effect exists exactly once; what the killed worker committed was not redone.
    const { perJob, byWorker } = await tally(queue);
    expect(perJob).toEqual({ 1: total });
    expect(byWorker).toEqual({ 'crash-1': atKill, 'crash-2': total - atKill });
    // The jobs it held when killed were taken back: their run by crash-1 is recorded as lost.
    for (const { id } of heldAtKill.rows) {
      const runs = await jobs.history(Number(id));
      expect(runs.map((r) => [r.worker, r.outcome])).toEqual([
        ['crash-1', 'lost'],
        ['crash-2', 'done'],
      ]);
    }
    const lost = await sql<{ n: number }>`
      select count(*) as n from platform.job_run r join platform.job j on j.id = r.job_id where j.queue = ${queue} and r.outcome = 'lost'`.execute(db());
    expect(Number(lost.rows[0]?.n)).toBe(heldAtKill.rows.length);
  });

  it('two worker processes over 10,000 jobs: every effect exactly once, and both did some', async () => {
    const queue = `test.pair.${suffix}`;
    const total = 10_000;
    await jobs.enqueueMany(
      db(),
      Array.from({ length: total }, (_, i) => ({ queue, payload: { i } })),
    );
    const pair = ['pair-a', 'pair-b'].map((name) => spawnWorker(name, { QUEUE: queue, CONCURRENCY: '8', BATCH: '50', WAIT_FOR_GO: '1' }));
    await Promise.all(pair.map((w) => w.ready));
    for (const w of pair) w.child.stdin?.write('go\n');
    await until('every job done', async () => (await count(queue, 'done')) === total, pair);
    for (const w of pair) w.child.kill('SIGTERM');
    expect(await Promise.all(pair.map((w) => w.exited))).toEqual([0, 0]);
    const { perJob, byWorker } = await tally(queue);
    expect(perJob).toEqual({ 1: total });
    expect(byWorker['pair-a']).toBeGreaterThan(0);
    expect(byWorker['pair-b']).toBeGreaterThan(0);
    expect(Object.keys(byWorker)).toEqual(['pair-a', 'pair-b']);
  });
});
