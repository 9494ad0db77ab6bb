import type { Db } from '../db/database';

export type JobState = 'queued' | 'active' | 'done' | 'dead' | 'cancelled';
export type RunOutcome = 'done' | 'error' | 'lost';

/** A job as stored (timestamps are ISO strings). */
export interface Job<P = unknown> {
  id: number;
  queue: string;
  tenantId: string | null;
  payload: P;
  state: JobState;
  priority: number;
  runAt: string;
  /** Attempts started so far, this one included while it runs. */
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
  key: string | null;
  lockedBy: string | null;
  lockedUntil: string | null;
  lastError: string | null;
  result: unknown;
  createdAt: string;
  finishedAt: string | null;
}

/** One attempt at a job. */
export interface JobRun {
  jobId: number;
  attempt: number;
  worker: string;
  startedAt: string;
  finishedAt: string | null;
  /** null while it runs. */
  outcome: RunOutcome | null;
  error: string | null;
}

export interface EnqueueInput<P = unknown> {
  queue: string;
  payload?: P;
  tenantId?: string | null;
  /** Not before this time (default: now by the engine's clock). */
  runAt?: Date;
  /** Idempotency key: a second enqueue with the same (queue, key) adds nothing. */
  key?: string;
  /** Higher runs first among due jobs (default 0). */
  priority?: number;
  /** Attempts before the job is dead (default 5). */
  maxAttempts?: number;
  /** The first retry's delay; doubled at each further attempt (default 10 s). */
  backoffMs?: number;
}

export interface Enqueued {
  id: number;
  /** false: a job with this key was already there (its id is returned). */
  created: boolean;
}

/** What a handler gets besides its job. */
export interface JobContext {
  /** The id of this worker (process). */
  worker: string;
  /** Aborted when the lease is lost (another worker reclaimed the job) or the worker stops hard. */
  signal: AbortSignal;
  /**
   * Runs the handler's database effect in the transaction that marks the job done, only if this
   * worker still holds the job: if another worker reclaimed it, nothing is written and this
   * throws JobLeaseLost. Use `trx` (never the engine's db) inside. Its value is the job's result.
   */
  complete<T>(effect: (trx: Db) => Promise<T>): Promise<T>;
}

export type JobHandler<P = unknown> = (job: Job<P>, ctx: JobContext) => Promise<unknown> | unknown;

export interface QueueOptions {
  /** Handlers of this queue running at once in this process (default 1). */
  concurrency?: number;
  /** Jobs claimed per fetch (default 10). */
  batchSize?: number;
  /** How long a claimed job stays this worker's without a heartbeat (default 60 s). */
  leaseMs?: number;
  /** Longest retry delay (default 1 h). */
  maxBackoffMs?: number;
  /** Called once a job has used its last attempt (it is then `dead`, with its last error). */
  onDead?(job: Job): Promise<void> | void;
}

export interface ScheduleInput {
  /** Unique; `schedule` with an existing name updates it. */
  name: string;
  /** Five or six fields (seconds first), or @hourly, @daily, … */
  cron: string;
  /** The zone the cron fields are read in (default: the engine's). */
  timeZone?: string;
  queue: string;
  payload?: Record<string, unknown>;
  tenantId?: string | null;
  enabled?: boolean;
}

export interface Schedule {
  name: string;
  queue: string;
  tenantId: string | null;
  cron: string;
  timeZone: string;
  payload: Record<string, unknown>;
  enabled: boolean;
  nextRunAt: string;
  lastRunAt: string | null;
}

/** What one `runDue` pass did. */
export interface PassSummary {
  /** Jobs a handler ran (or tried to). */
  ran: number;
  done: number;
  /** Failed, will be retried later. */
  retried: number;
  dead: number;
  /** Jobs whose lease this worker lost while running them. */
  lost: number;
  /** Jobs enqueued by due schedules. */
  scheduled: number;
  /** Expired leases taken back from other (stopped) workers. */
  reclaimed: number;
}

/** Thrown by `ctx.complete` when the job is no longer this worker's. */
export class JobLeaseLost extends Error {
  constructor(
    readonly jobId: number,
    readonly worker: string,
  ) {
    super(`job ${jobId}: worker ${worker} no longer holds it (its lease expired and it was taken back)`);
    this.name = 'JobLeaseLost';
  }
}
