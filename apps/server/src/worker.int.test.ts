import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type Job, ManualClock } from '@tangram/engine';
import { describe, expect, it } from 'vitest';
import { poolRecycling, registerWorkerJobs } from './cli';

const root = new URL('../../..', import.meta.url).pathname;
const hour = 3_600_000;
const day = 24 * hour;
const quiet = { info() {}, error() {} };

const app = {
  objects: [
    {
      name: 'customer',
      fields: [{ name: 'name', type: 'text' }],
      publicPool: { recycleAfterDays: 30 },
    },
  ],
};

/**
 * An embedded database where the pool recycling was last scheduled three hours ago (its worker
 * has not run since) and one customer has been idle for 60 days.
 */
async function seed(dataDir: string): Promise<{ idle: string; busy: string }> {
  const threeHoursAgo = new Date(Date.now() - 3 * hour);
  const engine = await Engine.open({ dataDir, filesDir: join(dataDir, 'files'), clock: new ManualClock(threeHoursAgo) });
  try {
    await registerWorkerJobs(engine, quiet);
    const t = await engine.createTenant('acme');
    await t.schema.publish(app);
    const idle = await t.records.create('customer', { name: '久未跟进', owner_id: randomUUID() });
    const busy = await t.records.create('customer', { name: '刚更新', owner_id: randomUUID() });
    await engine.db
      .updateTable(`${t.tenant.schema}.customer` as never)
      .set({ updated_at: new Date(Date.now() - 60 * day).toISOString(), created_at: new Date(Date.now() - 60 * day).toISOString() } as never)
      .where('id' as never, '=', idle.id as never)
      .execute();
    return { idle: idle.id, busy: busy.id };
  } finally {
    await engine.close();
  }
}

/** Runs `tangram <command>` as an operator does, until `line` appears in its output. */
function run(command: string, dataDir: string, env: Record<string, string>, line: string) {
  const child: ChildProcess = spawn(process.execPath, [join(root, 'apps/server/bin/tangram.mjs'), command], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, TANGRAM_DEMO: '0', TANGRAM_ADMIN_PASSWORD: 'worker-test-pw', PORT: '0', ...env },
    cwd: dataDir,
  });
  let out = '';
  // The exit code, or the signal that ended the process (then told on stderr, with what it printed).
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code === null) console.error(`tangram ${command} ended by ${signal}:\n${out}`);
      resolve(code);
    }),
  );
  const seen = new Promise<void>((resolve, reject) => {
    const look = (d: Buffer) => {
      out += d;
      if (out.includes(line)) resolve();
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    void exited.then((code) => reject(new Error(`tangram ${command} exited (${code}) before printing "${line}":\n${out}`)));
  });
  return { child, seen, exited, output: () => out };
}

/** What the database says after the process stopped. */
async function outcome(dataDir: string, ids: { idle: string; busy: string }) {
  const engine = await Engine.open({ dataDir, filesDir: join(dataDir, 'files') });
  try {
    const t = await engine.tenant('acme');
    const jobs = await engine.jobs.list({ queue: poolRecycling.queue });
    const schedule = (await engine.jobs.schedules()).find((s) => s.name === poolRecycling.name);
    return {
      jobs,
      schedule,
      idleOwner: (await t.records.get('customer', ids.idle)).owner_id,
      busyOwner: (await t.records.get('customer', ids.busy)).owner_id,
    };
  } finally {
    await engine.close();
  }
}

// The public-pool recycling is an hourly schedule run by the worker of `tangram serve` (by
// default) or of `tangram worker`; slots missed while no worker ran are caught up once at start.
describe('the worker of the tangram CLI (on PGlite)', () => {
  it.each(['worker', 'serve'])('tangram %s catches up the missed pool recycling once at start, and stops on SIGTERM', async (command) => {
    const dataDir = mkdtempSync(join(tmpdir(), `tangram-${command}-`));
    const ids = await seed(dataDir);
    const p = run(command, dataDir, { TANGRAM_WORKER_POLL_MS: '100' }, 'records returned to their public pools');
    await p.seen;
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    const after = await outcome(dataDir, ids);
    expect(after.jobs).toHaveLength(1);
    const job = after.jobs[0] as Job;
    const { slot, missed } = job.payload as { slot: string; missed: number };
    expect(job).toMatchObject({
      state: 'done',
      key: `${poolRecycling.name}@${slot}`,
      result: { moved: { acme: { customer: 1 } }, failed: [] },
      payload: { schedule: poolRecycling.name },
    });
    // Three hourly slots were due (four if an hour struck meanwhile): the latest ran, once.
    expect(missed).toBeGreaterThanOrEqual(2);
    // The latest slot due: the last full hour.
    expect(Date.parse(slot)).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(slot)).toBeLessThan(hour + 60_000);
    expect(Date.parse(after.schedule?.nextRunAt as string)).toBeGreaterThan(Date.parse(slot));
    expect(after.idleOwner).toBeNull();
    expect(after.busyOwner).not.toBeNull();
  });

  it('tangram help lists the worker command and how to keep the worker out of serve', async () => {
    const p = run('help', mkdtempSync(join(tmpdir(), 'tangram-help-')), {}, 'usage: tangram');
    await p.seen;
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain('worker                    only the jobs worker');
    expect(p.output()).toContain('TANGRAM_WORKER=0');
  });

  it('tangram serve with TANGRAM_WORKER=0 leaves the jobs to a worker', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tangram-no-worker-'));
    const ids = await seed(dataDir);
    const p = run('serve', dataDir, { TANGRAM_WORKER: '0', TANGRAM_WORKER_POLL_MS: '100' }, 'jobs: no worker here');
    await p.seen;
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const after = await outcome(dataDir, ids);
    expect(after.jobs).toEqual([]);
    expect(Date.parse(after.schedule?.nextRunAt as string)).toBeLessThan(Date.now());
    expect(after.idleOwner).not.toBeNull();
  });
});
