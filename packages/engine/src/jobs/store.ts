import { sql } from 'kysely';
import type { Db } from '../db/database';
import { platformTables } from '../db/tables';
import type { EnqueueInput, Job, JobRun, JobState } from './types';

/**
 * The SQL of the jobs, one function per statement. Every time compared is a parameter (the
 * engine's clock), never now(). Updates of a claimed job are guarded by `locked_by = worker and
 * state = 'active'`, so a worker that lost its lease changes nothing.
 */

interface JobRow {
  id: number;
  queue: string;
  tenant_id: string | null;
  payload: unknown;
  state: JobState;
  priority: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  backoff_ms: number;
  key: string | null;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  result: unknown;
  created_at: string;
  finished_at: string | null;
}

export function toJob(r: JobRow): Job {
  return {
    id: Number(r.id),
    queue: r.queue,
    tenantId: r.tenant_id,
    payload: r.payload,
    state: r.state,
    priority: r.priority,
    runAt: r.run_at,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    backoffMs: r.backoff_ms,
    key: r.key,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    result: r.result ?? null,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

const iso = (d: Date) => d.toISOString();

/** A handler's result as stored: JSON, with bigints (row counts of a query result) as numbers. */
export function resultJson(v: unknown): string {
  return JSON.stringify(v ?? null, (_, x) => (typeof x === 'bigint' ? Number(x) : x));
}

/** Inserts jobs; those whose (queue, key) exists already are skipped. Returns the rows inserted. */
export async function insertJobs(db: Db, inputs: EnqueueInput[], now: Date): Promise<{ id: number; queue: string; key: string | null }[]> {
  if (!inputs.length) return [];
  const rows = inputs.map((i) => ({
    queue: i.queue,
    tenant_id: i.tenantId ?? null,
    payload: JSON.stringify(i.payload ?? {}),
    run_at: iso(i.runAt ?? now),
    key: i.key ?? null,
    priority: i.priority ?? 0,
    max_attempts: i.maxAttempts ?? 5,
    backoff_ms: i.backoffMs ?? 10_000,
    created_at: iso(now),
  }));
  const inserted = await platformTables(db)
    .insertInto('job')
    .values(rows)
    .onConflict((oc) => oc.columns(['queue', 'key']).doNothing())
    .returning(['id', 'queue', 'key'])
    .execute();
  return inserted.map((r) => ({ id: Number(r.id), queue: r.queue, key: r.key }));
}

export async function jobIdByKey(db: Db, queue: string, key: string): Promise<number | undefined> {
  const row = await platformTables(db).selectFrom('job').select('id').where('queue', '=', queue).where('key', '=', key).executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/**
 * Takes up to `limit` due jobs of `queue` for `worker` (skipping rows other workers are taking),
 * counts the attempt and opens its run row, in one statement.
 */
export async function claimJobs(db: Db, queue: string, worker: string, now: Date, limit: number, leaseMs: number): Promise<Job[]> {
  const res = await sql<JobRow>`
    with next as (
      select id from platform.job
      where state = 'queued' and queue = ${queue} and run_at <= ${iso(now)}::timestamptz
      order by priority desc, run_at, id
      limit ${limit}
      for update skip locked
    ), claimed as (
      update platform.job j
      set state = 'active', locked_by = ${worker}, locked_until = ${iso(new Date(now.getTime() + leaseMs))}::timestamptz, attempts = j.attempts + 1
      from next where j.id = next.id
      returning j.*
    ), runs as (
      insert into platform.job_run (job_id, attempt, worker, started_at)
      select id, attempts, ${worker}, ${iso(now)}::timestamptz from claimed
    )
    select * from claimed order by priority desc, run_at, id`.execute(db);
  return res.rows.map(toJob);
}

/**
 * Puts jobs of `queues` whose lease expired (their worker died or hung) back in the queue — or
 * kills them if that was their last attempt — and records their open runs as lost. Returns the
 * jobs changed.
 */
export async function reclaimExpired(db: Db, queues: string[], now: Date, limit = 500): Promise<Job[]> {
  if (!queues.length) return [];
  const res = await sql<JobRow>`
    with expired as (
      select id from platform.job
      where state = 'active' and locked_until < ${iso(now)}::timestamptz and queue = any(${queues}::text[])
      order by locked_until
      limit ${limit}
      for update skip locked
    ), lost as (
      update platform.job_run r set finished_at = ${iso(now)}::timestamptz, outcome = 'lost',
        error = 'lease expired: the worker stopped before finishing'
      from expired where r.job_id = expired.id and r.finished_at is null
      returning r.job_id
    )
    update platform.job j
    set state = case when j.attempts >= j.max_attempts then 'dead' else 'queued' end,
      last_error = 'worker ' || j.locked_by || ' stopped before finishing (lease expired)',
      finished_at = case when j.attempts >= j.max_attempts then ${iso(now)}::timestamptz end,
      locked_by = null, locked_until = null
    from expired where j.id = expired.id
    returning j.*`.execute(db);
  return res.rows.map(toJob);
}

/**
 * Extends this worker's leases on jobs it still holds (an expired lease is not revived, and a
 * late heartbeat never shortens one); the ids still held.
 */
export async function extendLeases(db: Db, ids: number[], worker: string, now: Date, leaseMs: number): Promise<number[]> {
  if (!ids.length) return [];
  const res = await sql<{ id: number }>`
    update platform.job set locked_until = greatest(locked_until, ${iso(new Date(now.getTime() + leaseMs))}::timestamptz)
    where id = any(${ids}::bigint[]) and locked_by = ${worker} and state = 'active' and locked_until >= ${iso(now)}::timestamptz
    returning id`.execute(db);
  return res.rows.map((r) => Number(r.id));
}

/**
 * Marks a job done if `worker` still holds it (locking its row until the transaction ends, so no
 * reclaim can slip in), and closes its run. false: the job is not this worker's any more.
 */
export async function markDone(trx: Db, job: Job, worker: string, now: Date, result: unknown): Promise<boolean> {
  // One statement: the job and its run (the hot path of every job).
  const res = await sql<{ id: number }>`
    with done as (
      update platform.job
      set state = 'done', result = ${resultJson(result)}::jsonb, finished_at = ${iso(now)}::timestamptz, locked_by = null, locked_until = null, last_error = null
      where id = ${job.id} and locked_by = ${worker} and state = 'active'
      returning id
    ), closed as (
      update platform.job_run set finished_at = ${iso(now)}::timestamptz, outcome = 'done', error = null
      where job_id in (select id from done) and attempt = ${job.attempts}
    )
    select id from done`.execute(trx);
  return res.rows.length === 1;
}

/**
 * Records a failed attempt: back to the queue at `retryAt`, or dead after the last attempt.
 * undefined: the job is not this worker's any more (nothing is changed).
 */
export async function markFailed(db: Db, job: Job, worker: string, now: Date, error: string, retryAt: Date): Promise<Job | undefined> {
  return db.transaction().execute(async (trx) => {
    const res = await sql<JobRow>`
      update platform.job
      set state = case when attempts >= max_attempts then 'dead' else 'queued' end,
        run_at = case when attempts >= max_attempts then run_at else ${iso(retryAt)}::timestamptz end,
        finished_at = case when attempts >= max_attempts then ${iso(now)}::timestamptz end,
        last_error = ${error}, locked_by = null, locked_until = null
      where id = ${job.id} and locked_by = ${worker} and state = 'active'
      returning *`.execute(trx);
    const row = res.rows[0];
    if (!row) return undefined;
    await closeRun(trx, job, now, 'error', error);
    return toJob(row);
  });
}

async function closeRun(trx: Db, job: Job, now: Date, outcome: 'done' | 'error', error: string | null): Promise<void> {
  await platformTables(trx)
    .updateTable('job_run')
    .set({ finished_at: iso(now), outcome, error })
    .where('job_id', '=', job.id)
    .where('attempt', '=', job.attempts)
    .execute();
}

/** Puts a dead or cancelled job back in the queue with `extra` more attempts. */
export async function requeue(db: Db, id: number, now: Date, extra: number): Promise<Job | undefined> {
  const res = await sql<JobRow>`
    update platform.job
    set state = 'queued', run_at = ${iso(now)}::timestamptz, max_attempts = attempts + ${extra}, finished_at = null
    where id = ${id} and state in ('dead', 'cancelled')
    returning *`.execute(db);
  return res.rows[0] && toJob(res.rows[0]);
}

/** Cancels a job that has not started (queued); false if it is running or finished. */
export async function cancelJob(db: Db, id: number, now: Date): Promise<boolean> {
  const res = await platformTables(db)
    .updateTable('job')
    .set({ state: 'cancelled', finished_at: iso(now) })
    .where('id', '=', id)
    .where('state', '=', 'queued')
    .returning('id')
    .execute();
  return res.length > 0;
}

export async function getJob(db: Db, id: number): Promise<Job | undefined> {
  const row = await platformTables(db).selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row as unknown as JobRow);
}

export interface ListJobsOptions {
  queue?: string;
  state?: JobState;
  tenantId?: string;
  /** Jobs with a smaller id than this (the next page). */
  before?: number;
  /** Default 50, at most 1000. */
  limit?: number;
}

/** Jobs, newest first. */
export async function listJobs(db: Db, opts: ListJobsOptions = {}): Promise<Job[]> {
  let q = platformTables(db).selectFrom('job').selectAll();
  if (opts.queue !== undefined) q = q.where('queue', '=', opts.queue);
  if (opts.state !== undefined) q = q.where('state', '=', opts.state);
  if (opts.tenantId !== undefined) q = q.where('tenant_id', '=', opts.tenantId);
  if (opts.before !== undefined) q = q.where('id', '<', opts.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(opts.limit ?? 50, 1), 1000))
    .execute();
  return rows.map((r) => toJob(r as unknown as JobRow));
}

/** A job's attempts, first to last. */
export async function jobHistory(db: Db, id: number): Promise<JobRun[]> {
  const rows = await platformTables(db).selectFrom('job_run').selectAll().where('job_id', '=', id).orderBy('attempt').execute();
  return rows.map((r) => ({
    jobId: Number(r.job_id),
    attempt: r.attempt,
    worker: r.worker,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome,
    error: r.error,
  }));
}

/** Gives claimed jobs that never started back to the queue, as if never claimed (a graceful stop). */
export async function releaseJobs(db: Db, jobs: Job[], worker: string): Promise<void> {
  if (!jobs.length) return;
  await db.transaction().execute(async (trx) => {
    const released = await sql<{ id: number; attempts: number }>`
      update platform.job set state = 'queued', locked_by = null, locked_until = null, attempts = attempts - 1
      where id = any(${jobs.map((j) => j.id)}::bigint[]) and locked_by = ${worker} and state = 'active'
      returning id, attempts + 1 as attempts`.execute(trx);
    for (const r of released.rows)
      await platformTables(trx).deleteFrom('job_run').where('job_id', '=', Number(r.id)).where('attempt', '=', r.attempts).execute();
  });
}
