import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type Backend, openDatabase } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, postgresUrl } from '../testing/databases';
import { flows, workflowOf } from './fixtures';
import type { Process } from './process';
import { timerQueue } from './runtime';

// Crash safety (issue 15, Done when): a process running the engine is killed with SIGKILL while
// an approval commits and while a timer fires — just before its transaction commits, and just
// after (before the caller or the job hears back). After a restart no task is doubled and no
// transition is lost: the approval is there once or not at all (and can be made again), the timer
// fires exactly once (its job is taken back when its lease runs out and finds nothing to do if
// the first attempt committed).

const root = new URL('../../../..', import.meta.url).pathname;
const child = join(root, 'packages/engine/src/testing/workflow-crash-child.ts');
const T0 = Date.parse('2031-06-02T01:00:00Z');
const minutes = (n: number) => new Date(T0 + n * 60_000).toISOString();

interface Place {
  backend: Backend;
  dataDir?: string;
  namespace?: string;
}

async function open(place: Place, at: string): Promise<Engine> {
  const database = await openDatabase(place.backend === 'postgres' ? { url: postgresUrl, poolSize: 4 } : { dataDir: place.dataDir });
  if (place.namespace) database.jobsNamespace = place.namespace;
  return Engine.attach(database, { revisionCheckMs: 0, clock: new ManualClock(at) });
}

/** Runs the child until it holds, then kills it with SIGKILL. */
async function killAtHold(place: Place, args: Record<string, unknown>): Promise<string> {
  const env = { ...args, url: place.backend === 'postgres' ? postgresUrl : undefined, dataDir: place.dataDir, namespace: place.namespace };
  const p: ChildProcess = spawn(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, CRASH_CHILD: JSON.stringify(env) }, cwd: root });
  let out = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => p.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    const look = (d: Buffer) => {
      out += d;
      if (out.includes('HOLD')) resolve();
    };
    p.stdout?.on('data', look);
    p.stderr?.on('data', look);
    void exited.then((code) => reject(new Error(`the child exited (${code}) before holding:\n${out}`)));
  });
  p.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return out;
}

const people = { rep: '', manager: '', f1: '', f2: '' };

/** A tenant with a quote submitted to `process` (status field set on each status). */
async function seed(place: Place, process: (p: typeof people) => Process): Promise<{ slug: string; instance: string; quote: string }> {
  const engine = await open(place, minutes(0));
  try {
    const slug = `wc${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const t = await engine.createTenant(slug);
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(people) as (keyof typeof people)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@wfcrash.test.local`, name, password: 'workflow test password' });
      await engine.identity.addMember(t.tenant, u, 'member');
      people[name] = u.id;
    }
    await t.schema.publish({
      objects: [
        {
          name: 'quote',
          fields: [
            { name: 'title', type: 'text' },
            { name: 'status', type: 'select', options: { options: [{ key: 'draft' }, { key: 'pending' }, { key: 'approved' }] } },
          ],
        },
      ],
    });
    const om = (await t.model()).byName.get('quote') as Parameters<typeof workflowOf>[0];
    const wf = workflowOf(om, process(people), { statusField: 'status', statusValues: { running: 'pending', approved: 'approved' } });
    const quote = (await t.records.create('quote', { title: '报价', owner_id: people.rep })).id as string;
    const v = await engine.workflows.start(t, { workflow: wf, recordId: quote, submitter: people.rep });
    return { slug, instance: v.id, quote };
  } finally {
    await engine.close();
  }
}

async function cleanup(place: Place, slug: string): Promise<void> {
  if (place.backend !== 'postgres') return;
  const engine = await open(place, minutes(0));
  try {
    const t = await engine.tenant(slug);
    await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(engine.db);
    await engine.db.withSchema('platform').deleteFrom('tenant').where('slug', '=', slug).execute();
    await engine.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@wfcrash.test.local').execute();
  } finally {
    await engine.close();
  }
}

const twoSteps = (p: typeof people, timeout?: UserTaskTimeout): Process => ({
  id: 'crash',
  nodes: [
    { id: 'start', kind: 'start' },
    { id: 'end', kind: 'end' },
    { id: 'a', kind: 'userTask', mode: 'any', approvers: [{ kind: 'users', users: [p.manager] }], ...(timeout ? { timeout } : {}) },
    { id: 'b', kind: 'userTask', mode: 'all', approvers: [{ kind: 'users', users: [p.f1, p.f2] }] },
  ],
  flows: flows(['start -> a -> b -> end']),
});
type UserTaskTimeout = { minutes: number; action: 'approve' };

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
  return 'no error';
};

/** What the instance looks like: its tasks by step, its history, notifications of a task. */
async function state(t: TenantEngine, engine: Engine, instance: string) {
  const v = await engine.workflows.get(t, instance);
  const at = (node: string) => v.tasks.filter((x) => x.node === node).map((x) => x.status);
  const taskNotes = (
    await sql<{ n: number }>`select count(*)::int as n from ${sql.id(t.tenant.schema, '_notification')} where kind = 'workflow.task'`.execute(engine.db)
  ).rows[0]?.n;
  return { a: at('a'), b: at('b'), history: v.history.map((h) => h.what), taskNotes, v };
}

describe.each(await backends())('crash safety on %s', (backend) => {
  const place = (): Place =>
    backend === 'postgres'
      ? { backend, namespace: `test${randomBytes(4).toString('hex')}:` }
      : { backend, dataDir: mkdtempSync(join(tmpdir(), 'tangram-wf-crash-')) };

  it.each(['beforeCommit', 'afterCommit'] as const)('killed while an approval commits (%s): it happened once or not at all', async (hold) => {
    const where = place();
    const { slug, instance } = await seed(where, (p) => twoSteps(p));
    let engine = await open(where, minutes(1));
    let t = await engine.tenant(slug);
    const task = (await engine.workflows.get(t, instance)).tasks.find((x) => x.node === 'a')?.id as string;
    await engine.close();
    await killAtHold(where, { slug, at: minutes(2), mode: 'approve', hold, instance, task, by: people.manager });
    engine = await open(where, minutes(3));
    try {
      t = await engine.tenant(slug);
      const after = await state(t, engine, instance);
      if (hold === 'beforeCommit') {
        // Nothing of it committed: the manager approves again, once.
        expect(after).toMatchObject({ a: ['open'], b: [], history: ['submitted'], taskNotes: 1 });
        await engine.workflows.act(t, instance, { kind: 'approve', task, by: people.manager });
      } else {
        // All of it committed: approving again is refused, nothing doubles.
        expect(after).toMatchObject({ a: ['approved'], b: ['open', 'open'], history: ['submitted', 'approved', 'passed'], taskNotes: 3 });
        expect(await codeOf(engine.workflows.act(t, instance, { kind: 'approve', task, by: people.manager }))).toBe('WORKFLOW_TASK_CLOSED');
      }
      const end = await state(t, engine, instance);
      expect(end).toMatchObject({ a: ['approved'], b: ['open', 'open'], history: ['submitted', 'approved', 'passed'], taskNotes: 3 });
    } finally {
      await engine.close();
      await cleanup(where, slug);
    }
  });

  it.each(['beforeCommit', 'afterCommit'] as const)('killed while a timer fires (%s): after the lease runs out it fires exactly once', async (hold) => {
    const where = place();
    const { slug, instance, quote } = await seed(where, (p) => twoSteps(p, { minutes: 60, action: 'approve' }));
    await killAtHold(where, { slug, at: minutes(61), mode: 'timer', hold, instance });
    // Past the job's lease (60 s): a worker takes it back.
    const engine = await open(where, minutes(65));
    try {
      const t = await engine.tenant(slug);
      const before = await state(t, engine, instance);
      if (hold === 'beforeCommit') expect(before).toMatchObject({ a: ['open'], b: [], history: ['submitted'] });
      else expect(before).toMatchObject({ a: ['approved'], b: ['open', 'open'], history: ['submitted', 'timeout: approve', 'passed'] });
      await engine.jobs.runDue({ queues: [timerQueue] });
      await engine.jobs.runDue({ queues: [timerQueue] });
      const after = await state(t, engine, instance);
      expect(after).toMatchObject({ a: ['approved'], b: ['open', 'open'], history: ['submitted', 'timeout: approve', 'passed'], taskNotes: 3 });
      expect(after.v.tasks.find((x) => x.node === 'a')?.auto).toBe('timeout');
      const jobs = (await engine.jobs.list({ queue: timerQueue })).filter((j) => (j.payload as { instance: string }).instance === instance);
      expect(jobs.map((j) => j.state)).toEqual(['done']);
      expect(jobs[0]?.result).toEqual({ fired: hold === 'beforeCommit' });
      expect((await t.records.get('quote', quote)).status).toBe('pending');
    } finally {
      await engine.close();
      await cleanup(where, slug);
    }
  });
});
