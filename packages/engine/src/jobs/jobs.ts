import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AppError, type Problem } from '@tangram/errors';
import type { Db } from '../db/database';
import { type Clock, systemClock } from './clock';
import { enqueueDueSchedules, listSchedules, removeSchedule, upsertSchedule } from './schedules';
import {
  type ListJobsOptions,
  cancelJob,
  claimJobs,
  extendLeases,
  getJob,
  insertJobs,
  jobHistory,
  jobIdByKey,
  listJobs,
  markDone,
  markFailed,
  reclaimExpired,
  releaseJobs,
  requeue,
  resultJson,
} from './store';
import { platformTables } from '../db/tables';
import {
  type EnqueueInput,
  type Enqueued,
  type Job,
  type JobContext,
  type JobHandler,
  JobLeaseLost,
  type JobRun,
  type PassSummary,
  type QueueOptions,
  type Schedule,
  type ScheduleInput,
} from './types';

export interface JobsOptions {
  /** Where the time comes from (default: the system clock). */
  clock?: Clock;
  /** The zone of schedules that name none (default UTC). */
  timeZone?: string;
  /** This worker's id in locks and run history (default `<host>:<pid>:<random>`). */
  worker?: string;
  /**
   * A prefix of every queue and schedule name this instance uses (default none). Test files that
   * share one PostgreSQL server each take their own, so one file's worker never runs another's
   * jobs (openTestDatabase sets it on the database handle). Stored names carry the prefix.
   */
  namespace?: string;
}

export interface StartOptions {
  /** How often an idle worker looks for due jobs, schedules and expired leases (default 1 s). */
  pollMs?: number;
  /**
   * Told of what the loop cannot throw to anyone: a failed attempt of a handler (recorded on the
   * job too), a database error while claiming. The library does not log; the caller does.
   */
  onError?(e: unknown, where: { queue?: string; jobId?: number; attempt?: number }): void;
  /**
   * Foreground first: true while the process is serving requests that queue up (an HTTP
   * server's `busy`). Before each claim a queue loop then waits for a gap in that traffic, so
   * jobs do not take the CPU the requests need. Under constant load jobs still advance, on a duty
   * cycle: one batch at a time over all queues, each followed by a pause long enough that batches
   * take at most `backgroundShare` of the time; once the load eases they catch up at full speed.
   */
  foreground?: () => boolean;
  /** The share of the time jobs may take while the foreground is busy (default 0.15; 0 < share ≤ 1). */
  backgroundShare?: number;
  /** The shortest pause between two batches while the foreground is busy (default 250 ms). */
  yieldMs?: number;
}

interface Registration {
  queue: string;
  handler: JobHandler;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  maxBackoffMs: number;
  onDead?: (job: Job) => Promise<void> | void;
}

interface Loop {
  stopping: boolean;
  pollMs: number;
  onError: NonNullable<StartOptions['onError']>;
  /** Each sleeping loop's wake-up, and whether an enqueue may wake it (queue loops) or only stop (maintenance). */
  sleepers: Map<() => void, boolean>;
  /** Counts wake-ups, so a loop woken while it was busy does not then sleep through them. */
  wakes: number;
  tasks: Promise<void>[];
  foreground?: () => boolean;
  yieldMs: number;
  backgroundShare: number;
  /** While the foreground is busy: the earliest time the next batch may start, and whether one runs now. */
  backgroundAt: number;
  backgroundRunning: boolean;
  /** When the current busy spell began (0: not busy when last looked). */
  busySince: number;
}

/** Jobs of one queue running at once while the foreground is busy (StartOptions.foreground). */
const busyLanes = 2;

const emptySummary = (): PassSummary => ({ ran: 0, done: 0, retried: 0, dead: 0, lost: 0, scheduled: 0, reclaimed: 0 });

/**
 * Durable jobs and cron schedules in the `platform` schema, on PGlite and PostgreSQL alike
 * (docs/adr/0011-engine-owned-jobs.md). Jobs are enqueued in the caller's transaction; workers in
 * any number of processes claim them with `for update skip locked` under a lease, retry failures
 * with exponential backoff, and leave a run row per attempt.
 * @example
 * engine.jobs.register('mail.send', async (job, ctx) => ctx.complete((trx) => markSent(trx, job.payload)))
 * await db.transaction().execute((trx) => engine.jobs.enqueue(trx, { queue: 'mail.send', payload: { to }, key: `welcome:${userId}` }))
 * engine.jobs.start()
 */
export class Jobs {
  readonly clock: Clock;
  readonly worker: string;
  private readonly timeZone: string;
  /** By queue name as registered (without the namespace); `queue` of each is the stored name. */
  private readonly queues = new Map<string, Registration>();
  private loop: Loop | undefined;
  private readonly ns: string;

  constructor(
    private readonly db: Db,
    opts: JobsOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.timeZone = opts.timeZone ?? 'UTC';
    this.worker = opts.worker ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.ns = opts.namespace ?? '';
  }

  /** A queue or schedule name as stored (with the namespace). */
  private stored(name: string): string {
    return this.ns + name;
  }

  private storedInput<I extends { queue: string }>(input: I): I {
    return this.ns ? { ...input, queue: this.stored(input.queue) } : input;
  }

  /** The stored names of the queues this process handles. */
  private storedQueues(): string[] {
    return [...this.queues.values()].map((r) => r.queue);
  }

  /**
   * Adds a job through `db` — pass the caller's transaction so that the job exists exactly when
   * the change that caused it commits. With a `key`, a second enqueue of the same (queue, key)
   * adds nothing and answers the first job's id with `created: false`.
   */
  async enqueue<P>(db: Db, input: EnqueueInput<P>): Promise<Enqueued> {
    checkEnqueue([input]);
    const [row] = await insertJobs(db, [this.storedInput(input)], this.clock.now());
    if (!db.isTransaction) this.wake();
    if (row) return { id: row.id, created: true };
    const id = await jobIdByKey(db, this.stored(input.queue), input.key as string);
    if (id === undefined) throw new Error(`job ${input.queue}/${input.key} was neither inserted nor found`);
    return { id, created: false };
  }

  /** Adds many jobs in a few statements; the number actually added (keyed ones already there are not). */
  async enqueueMany<P>(db: Db, inputs: EnqueueInput<P>[]): Promise<number> {
    checkEnqueue(inputs);
    let created = 0;
    const stored = inputs.map((i) => this.storedInput(i));
    for (let i = 0; i < stored.length; i += 1000) created += (await insertJobs(db, stored.slice(i, i + 1000), this.clock.now())).length;
    if (!db.isTransaction) this.wake();
    return created;
  }

  /**
   * Wakes this process's idle workers now (an enqueue outside a transaction does it by itself;
   * after committing a transaction that enqueued, call this to skip the poll interval).
   */
  wake(): void {
    if (!this.loop) return;
    this.loop.wakes++;
    for (const [wake, byEnqueue] of this.loop.sleepers) if (byEnqueue) wake();
  }

  /** Handles the jobs of `queue` in this process (from `start` or `runDue`). One handler per queue. */
  register<P>(queue: string, handler: JobHandler<P>, opts: QueueOptions = {}): void {
    if (this.queues.has(queue)) throw new Error(`jobs: queue "${queue}" already has a handler in this process`);
    const problems = [
      ...positiveInt(opts.concurrency, 'concurrency'),
      ...positiveInt(opts.batchSize, 'batchSize'),
      ...positiveInt(opts.leaseMs, 'leaseMs'),
      ...positiveInt(opts.maxBackoffMs, 'maxBackoffMs'),
    ];
    if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
    const reg: Registration = {
      queue: this.stored(queue),
      handler: handler as JobHandler,
      concurrency: opts.concurrency ?? 1,
      batchSize: opts.batchSize ?? 10,
      leaseMs: opts.leaseMs ?? 60_000,
      maxBackoffMs: opts.maxBackoffMs ?? 3_600_000,
      onDead: opts.onDead,
    };
    this.queues.set(queue, reg);
    if (this.loop && !this.loop.stopping) this.loop.tasks.push(this.queueLoop(reg, this.loop));
  }

  /** The queues this process handles. */
  registered(): string[] {
    return [...this.queues.keys()];
  }

  /** Creates or updates a cron schedule (see upsertSchedule for how a pending slot is kept). */
  schedule(input: ScheduleInput): Promise<Schedule> {
    return upsertSchedule(
      this.db,
      { ...input, name: this.stored(input.name), queue: this.stored(input.queue), timeZone: input.timeZone ?? this.timeZone },
      this.clock.now(),
    );
  }

  unschedule(name: string): Promise<boolean> {
    return removeSchedule(this.db, this.stored(name));
  }

  /** The schedules (of this namespace, with their stored names). */
  async schedules(): Promise<Schedule[]> {
    const all = await listSchedules(this.db);
    return this.ns ? all.filter((s) => s.name.startsWith(this.ns)) : all;
  }

  get(id: number): Promise<Job | undefined> {
    return getJob(this.db, id);
  }

  /** Jobs, newest first, by queue / state / tenant; page with `before` (the last id seen). */
  list(opts: ListJobsOptions = {}): Promise<Job[]> {
    return listJobs(this.db, opts.queue === undefined ? opts : { ...opts, queue: this.stored(opts.queue) });
  }

  /** A job's attempts, first to last (worker, times, outcome, error). */
  history(id: number): Promise<JobRun[]> {
    return jobHistory(this.db, id);
  }

  /** Puts a dead (or cancelled) job back in the queue, due now, with `attempts` more tries (default 1). */
  async retry(id: number, opts: { attempts?: number } = {}): Promise<Job | undefined> {
    const problems = positiveInt(opts.attempts, 'attempts');
    if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
    const job = await requeue(this.db, id, this.clock.now(), opts.attempts ?? 1);
    if (job) this.wake();
    return job;
  }

  /** Cancels a job that has not started; false if it is running, finished or unknown. */
  cancel(id: number): Promise<boolean> {
    return cancelJob(this.db, id, this.clock.now());
  }

  /**
   * One deterministic pass, for tests and tools: in the registered queues (or those named),
   * takes back expired leases, enqueues due schedules, then claims and runs everything due by
   * the clock until nothing is due.
   */
  async runDue(opts: { queues?: string[] } = {}): Promise<PassSummary> {
    const regs = (opts.queues ?? this.registered()).map((q) => {
      const reg = this.queues.get(q);
      if (!reg) throw new Error(`jobs: no handler for queue "${q}" in this process (registered: ${this.registered().join(', ') || 'none'})`);
      return reg;
    });
    const summary = emptySummary();
    for (;;) {
      await this.maintain(
        summary,
        regs.map((r) => r.queue),
      );
      let claimed = 0;
      for (const reg of regs) {
        for (let n = await this.runBatch(reg, summary); n > 0; n = await this.runBatch(reg, summary)) claimed += n;
      }
      if (!claimed) return summary;
    }
  }

  /**
   * Runs the workers in the background until `stop`: one loop per registered queue, and one that
   * takes back expired leases and enqueues due schedules (at once, so missed slots are caught up
   * when a worker starts). Timers are unref'd: they do not keep the process alive.
   */
  start(opts: StartOptions = {}): void {
    if (this.loop) throw new Error('jobs: already started');
    const pollMs = opts.pollMs ?? 1000;
    const loop: Loop = {
      stopping: false,
      pollMs,
      onError: opts.onError ?? (() => {}),
      sleepers: new Map(),
      wakes: 0,
      tasks: [],
      foreground: opts.foreground,
      yieldMs: opts.yieldMs ?? 250,
      backgroundShare: Math.min(1, Math.max(0.01, opts.backgroundShare ?? 0.15)),
      backgroundAt: 0,
      backgroundRunning: false,
      busySince: 0,
    };
    this.loop = loop;
    loop.tasks.push(this.maintenanceLoop(loop));
    for (const reg of this.queues.values()) loop.tasks.push(this.queueLoop(reg, loop));
  }

  /** Stops claiming, gives back claimed jobs that have not started, and waits for running handlers. */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    loop.stopping = true;
    for (const wake of loop.sleepers.keys()) wake();
    // No loop is added once stopping (see register).
    await Promise.allSettled(loop.tasks);
    this.loop = undefined;
  }

  get running(): boolean {
    return this.loop !== undefined && !this.loop.stopping;
  }

  /**
   * Takes back expired leases and enqueues due schedules — of the queues this process handles
   * (a schedule nobody handles waits, and is caught up when a worker for it starts).
   */
  private async maintain(summary: PassSummary, queues: string[], loop?: Loop): Promise<void> {
    const reclaimed = await reclaimExpired(this.db, queues, this.clock.now());
    summary.reclaimed += reclaimed.length;
    for (const job of reclaimed) if (job.state === 'dead') await this.dead(job, loop);
    summary.scheduled += await enqueueDueSchedules(this.db, queues, this.clock.now());
  }

  private async maintenanceLoop(loop: Loop): Promise<void> {
    while (!loop.stopping) {
      try {
        const summary = emptySummary();
        await this.maintain(summary, this.storedQueues(), loop);
        if (summary.scheduled || summary.reclaimed) this.wake();
      } catch (e) {
        loop.onError(e, {});
      }
      await this.sleep(loop);
    }
  }

  private async queueLoop(reg: Registration, loop: Loop): Promise<void> {
    while (!loop.stopping) {
      const wakes = loop.wakes;
      let claimed = 0;
      const throttled = await this.gap(loop);
      const started = Date.now();
      try {
        // While the foreground is busy, a batch runs at most two jobs at a time: the duty cycle
        // bounds the share of the time jobs take, this how hard they press on requests meanwhile.
        claimed = await this.runBatch(reg, emptySummary(), loop, throttled ? Math.min(reg.concurrency, busyLanes) : reg.concurrency);
      } catch (e) {
        loop.onError(e, { queue: reg.queue });
      } finally {
        if (throttled) this.paused(loop, Date.now() - started, claimed > 0);
      }
      if (!claimed) await this.sleep(loop, wakes);
    }
  }

  /**
   * Waits for a gap in the foreground traffic (StartOptions.foreground) or for this loop's turn
   * on the duty cycle: not in the first `yieldMs` of a busy spell, then one batch at a time, each
   * after the pause the previous one earned; the wall clock's time, as scheduling is. True when the
   * batch that follows runs while the foreground is busy (the turn is then held until `paused`).
   */
  private async gap(loop: Loop): Promise<boolean> {
    const busy = loop.foreground;
    if (!busy) return false;
    for (;;) {
      if (loop.stopping) return false;
      if (!busy()) {
        loop.busySince = 0;
        return false;
      }
      const now = Date.now();
      if (!loop.busySince) loop.busySince = now;
      if (!loop.backgroundRunning && now >= Math.max(loop.backgroundAt, loop.busySince + loop.yieldMs)) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5);
        timer.unref();
      });
    }
    loop.backgroundRunning = true;
    return true;
  }

  /**
   * Ends a busy-time turn that took `ms`: a batch that ran makes the next wait so that batches
   * take at most the share of the time; a claim that found nothing costs no pause.
   */
  private paused(loop: Loop, ms: number, ran: boolean): void {
    loop.backgroundRunning = false;
    if (ran) loop.backgroundAt = Date.now() + Math.max(loop.yieldMs, (ms * (1 - loop.backgroundShare)) / loop.backgroundShare);
  }

  /**
   * Waits a poll interval, or less if stopped — or, given the wake count it read before its
   * claim, if woken by an enqueue meanwhile (then not at all).
   */
  private sleep(loop: Loop, wakes?: number): Promise<void> {
    if (loop.stopping || (wakes !== undefined && loop.wakes !== wakes)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        loop.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, loop.pollMs);
      timer.unref();
      loop.sleepers.set(done, wakes !== undefined);
    });
  }

  /**
   * Claims one batch of `reg`'s due jobs and runs it, `concurrency` at a time, extending the
   * leases of the batch while it runs. The number claimed (0: nothing was due).
   */
  private async runBatch(reg: Registration, summary: PassSummary, loop?: Loop, lanes = reg.concurrency): Promise<number> {
    const jobs = await claimJobs(this.db, reg.queue, this.worker, this.clock.now(), reg.batchSize, reg.leaseMs);
    if (!jobs.length) return 0;
    const held = new Map(jobs.map((j) => [j.id, new AbortController()]));
    // One heartbeat at a time: a tick that finds the previous one still running skips.
    let beating: Promise<void> | undefined;
    const heartbeat = setInterval(
      () => {
        beating ??= this.heartbeat(reg, held, loop).finally(() => {
          beating = undefined;
        });
      },
      Math.max(Math.floor(reg.leaseMs / 3), 10),
    );
    heartbeat.unref();
    const unstarted: Job[] = [];
    try {
      await eachLimited(jobs, lanes, async (job) => {
        const signal = (held.get(job.id) as AbortController).signal;
        if (loop?.stopping) unstarted.push(job);
        else if (signal.aborted) summary.lost++;
        else await this.runOne(reg, job, signal, summary, loop);
        held.delete(job.id);
      });
    } finally {
      clearInterval(heartbeat);
      await beating;
      await releaseJobs(this.db, unstarted, this.worker);
    }
    return jobs.length;
  }

  private async heartbeat(reg: Registration, held: Map<number, AbortController>, loop?: Loop): Promise<void> {
    try {
      const ids = [...held.keys()];
      const still = new Set(await extendLeases(this.db, ids, this.worker, this.clock.now(), reg.leaseMs));
      for (const id of ids) if (!still.has(id)) held.get(id)?.abort(new JobLeaseLost(id, this.worker));
    } catch (e) {
      loop?.onError(e, { queue: reg.queue });
    }
  }

  /** Runs one claimed job and records how it ended. */
  private async runOne(reg: Registration, job: Job, signal: AbortSignal, summary: PassSummary, loop?: Loop): Promise<void> {
    summary.ran++;
    let completed = false;
    const ctx: JobContext = {
      worker: this.worker,
      signal,
      complete: async (effect) => {
        if (completed) throw new Error(`job ${job.id}: complete() was already called`);
        const value = await this.db.transaction().execute(async (trx) => {
          // Marking it done first locks the row: no reclaim can take it until this commits.
          if (!(await markDone(trx, job, this.worker, this.clock.now(), null))) throw new JobLeaseLost(job.id, this.worker);
          const v = await effect(trx);
          if (v !== undefined)
            await platformTables(trx)
              .updateTable('job')
              .set({ result: resultJson(v) })
              .where('id', '=', job.id)
              .execute();
          return v;
        });
        completed = true;
        return value;
      },
    };
    try {
      const out = await reg.handler(job, ctx);
      if (completed) summary.done++;
      else if (await markDone(this.db, job, this.worker, this.clock.now(), out))
        summary.done++; // one statement: no transaction needed
      else summary.lost++;
    } catch (e) {
      if (completed) {
        // The effect committed and the job is done; what the handler did afterwards is only reported.
        summary.done++;
        loop?.onError(e, { queue: reg.queue, jobId: job.id, attempt: job.attempts });
        return;
      }
      if (e instanceof JobLeaseLost) {
        summary.lost++;
        return;
      }
      loop?.onError(e, { queue: reg.queue, jobId: job.id, attempt: job.attempts });
      const now = this.clock.now();
      const failed = await markFailed(this.db, job, this.worker, now, describeError(e), this.retryAt(reg, job, now));
      if (!failed) summary.lost++;
      else if (failed.state === 'dead') {
        summary.dead++;
        await this.dead(failed, loop);
      } else summary.retried++;
    }
  }

  /** backoff_ms · 2^(attempt−1), capped, plus up to 10% jitter so failed peers do not retry in step. */
  private retryAt(reg: Registration, job: Job, now: Date): Date {
    const base = Math.min(reg.maxBackoffMs, job.backoffMs * 2 ** (job.attempts - 1));
    return new Date(now.getTime() + base + Math.floor(Math.random() * base * 0.1));
  }

  private async dead(job: Job, loop?: Loop): Promise<void> {
    const onDead = this.queues.get(job.queue.slice(this.ns.length))?.onDead;
    if (!onDead) return;
    try {
      await onDead(job);
    } catch (e) {
      if (!loop) throw e;
      loop.onError(e, { queue: job.queue, jobId: job.id });
    }
  }
}

/** What a failure leaves in last_error: its code if it has one, and its message. */
function describeError(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  return (typeof code === 'string' ? `${code}: ${message}` : message).slice(0, 4000);
}

/** Runs `fn` over `items`, at most `limit` at once; every item is tried, then the first error is thrown. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  });
  await Promise.all(lanes);
  if (errors.length) throw errors[0];
}

function positiveInt(v: number | undefined, field: string): Problem[] {
  if (v === undefined || (Number.isInteger(v) && v >= 1)) return [];
  return [{ code: 'VALIDATION_FAILED', field, message: `${field} must be a whole number ≥ 1, not ${String(v)}` }];
}

/** Refuses inputs the table would refuse, all problems at once, each with its field (and index). */
function checkEnqueue(inputs: EnqueueInput<unknown>[]): void {
  const problems: Problem[] = [];
  inputs.forEach((i, index) => {
    const at = (p: Problem[]) => problems.push(...p.map((x) => (inputs.length > 1 ? { ...x, index } : x)));
    if (typeof i.queue !== 'string' || !/^[A-Za-z0-9][\w.:-]{0,199}$/.test(i.queue))
      at([{ code: 'VALIDATION_FAILED', field: 'queue', message: 'a queue is 1–200 letters, digits, "_", ".", ":" or "-"' }]);
    if (i.runAt !== undefined && !(i.runAt instanceof Date && !Number.isNaN(i.runAt.getTime())))
      at([{ code: 'VALIDATION_FAILED', field: 'runAt', message: 'runAt must be a valid Date' }]);
    if (i.key !== undefined && (typeof i.key !== 'string' || !i.key.length))
      at([{ code: 'VALIDATION_FAILED', field: 'key', message: 'a key is a non-empty string' }]);
    if (i.priority !== undefined && !Number.isInteger(i.priority))
      at([{ code: 'VALIDATION_FAILED', field: 'priority', message: 'priority must be a whole number' }]);
    if (i.backoffMs !== undefined && !(Number.isInteger(i.backoffMs) && i.backoffMs >= 0 && i.backoffMs <= 2 ** 31 - 1))
      at([{ code: 'VALIDATION_FAILED', field: 'backoffMs', message: 'backoffMs must be a whole number of milliseconds ≥ 0' }]);
    at(positiveInt(i.maxAttempts, 'maxAttempts'));
  });
  if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
}
