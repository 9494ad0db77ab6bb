import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import type { Db } from '../db/database';

// The run log of after-commit automations: one row per (automation, event), kept after the run.
// A retried job updates its run's row; the per-action results say what each action did.

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

/** What one action of a run did. `done`: its effect is made (now or by an earlier attempt). */
export interface ActionResult {
  id: string;
  kind: string;
  status: 'done' | 'failed' | 'skipped';
  /** Set when an earlier attempt made the effect and this one left it alone. */
  already?: true;
  /** e.g. the records written, the HTTP status answered. */
  result?: unknown;
  /** `CODE: message` of a failure, or why the action was skipped. */
  error?: string;
}

export interface AutomationRun {
  id: number;
  automation: string;
  /** The triggering event; for a time-triggered run, its episode's id negated. */
  eventId: number;
  /** A time-triggered run's episode (`_automation_sweep` row); null for a run of an event. */
  episodeId: number | null;
  object: string;
  recordId: string;
  depth: number;
  status: RunStatus;
  actions: ActionResult[];
  error: string | null;
  jobId: number | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface RunKey {
  automation: string;
  eventId: number;
  episodeId?: number;
  objectId: string;
  recordId: string;
  depth: number;
}

interface Row {
  id: string | number;
  automation_id: string;
  event_id: string | number;
  episode_id: string | number | null;
  object_id: string;
  record_id: string;
  depth: number;
  status: RunStatus;
  actions: ActionResult[];
  error: string | null;
  job_id: string | number | null;
  started_at: string | Date;
  finished_at: string | Date | null;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

function toRun(r: Row): AutomationRun {
  return {
    id: Number(r.id),
    automation: r.automation_id,
    eventId: Number(r.event_id),
    episodeId: r.episode_id === null || r.episode_id === undefined ? null : Number(r.episode_id),
    object: r.object_id,
    recordId: r.record_id,
    depth: r.depth,
    status: r.status,
    actions: r.actions,
    error: r.error,
    jobId: r.job_id === null ? null : Number(r.job_id),
    startedAt: iso(r.started_at) as string,
    finishedAt: iso(r.finished_at),
  };
}

/** Starts (or, on a retried attempt, restarts) the run of an automation on an event; its id. */
export async function startRun(db: Db, schema: string, k: RunKey, jobId: number | null, now: Date): Promise<number> {
  const res = await sql<{ id: string }>`
    insert into ${sql.id(schema, '_automation_run')} (automation_id, event_id, episode_id, object_id, record_id, depth, status, job_id, started_at)
    values (${k.automation}, ${k.eventId}, ${k.episodeId ?? null}, ${k.objectId}, ${k.recordId}, ${k.depth}, 'running', ${jobId}, ${now.toISOString()})
    on conflict (automation_id, event_id) do update set status = 'running', job_id = excluded.job_id, started_at = excluded.started_at, finished_at = null, error = null
    returning id`.execute(db);
  return Number(res.rows[0]?.id);
}

/**
 * A run recorded once it has ended (or failed), in the transaction given: the runs whose actions
 * are all in the database take no row while they run (ms), one statement less on the hot path.
 */
export async function saveRun(
  db: Db,
  schema: string,
  k: RunKey,
  jobId: number | null,
  status: RunStatus,
  actions: ActionResult[],
  error: string | null,
  startedAt: Date,
  now: Date,
): Promise<void> {
  await sql`
    insert into ${sql.id(schema, '_automation_run')} (automation_id, event_id, episode_id, object_id, record_id, depth, status, job_id, actions, error, started_at, finished_at)
    values (${k.automation}, ${k.eventId}, ${k.episodeId ?? null}, ${k.objectId}, ${k.recordId}, ${k.depth}, ${status}, ${jobId}, ${JSON.stringify(actions)}::jsonb, ${error},
      ${startedAt.toISOString()}, ${now.toISOString()})
    on conflict (automation_id, event_id) do update set status = excluded.status, job_id = excluded.job_id, actions = excluded.actions, error = excluded.error,
      started_at = excluded.started_at, finished_at = excluded.finished_at`.execute(db);
}

/** A run that never started (depth limit): recorded as skipped, once per (automation, event). */
export async function skippedRun(db: Db, schema: string, k: RunKey, reason: string, now: Date): Promise<void> {
  await sql`
    insert into ${sql.id(schema, '_automation_run')} (automation_id, event_id, episode_id, object_id, record_id, depth, status, error, started_at, finished_at)
    values (${k.automation}, ${k.eventId}, ${k.episodeId ?? null}, ${k.objectId}, ${k.recordId}, ${k.depth}, 'skipped', ${reason}, ${now.toISOString()}, ${now.toISOString()})
    on conflict (automation_id, event_id) do nothing`.execute(db);
}

export async function finishRun(
  db: Db,
  schema: string,
  id: number,
  status: RunStatus,
  actions: ActionResult[],
  error: string | null,
  now: Date,
): Promise<void> {
  await sql`
    update ${sql.id(schema, '_automation_run')} set status = ${status}, actions = ${JSON.stringify(actions)}::jsonb, error = ${error}, finished_at = ${now.toISOString()}
    where id = ${id}`.execute(db);
}

export async function listRuns(db: Db, schema: string, automation: string, opts: { limit?: number; before?: number } = {}): Promise<AutomationRun[]> {
  // A run id past what a bigint (or a JavaScript number, exactly) holds is no run id: 400, not an overflow.
  if (opts.before !== undefined && !(Number.isSafeInteger(opts.before) && opts.before >= 1))
    throw AppError.problems('VALIDATION_FAILED', [
      { code: 'VALIDATION_FAILED', path: '/before', field: 'before', message: 'must be a run id (a whole number from 1)' },
    ]);
  const limit = Math.min(Math.max(Number.isFinite(opts.limit) ? (opts.limit as number) : 50, 1), 500);
  const res = await sql<Row>`
    select * from ${sql.id(schema, '_automation_run')}
    where automation_id = ${automation}${opts.before !== undefined ? sql` and id < ${opts.before}` : sql``}
    order by id desc limit ${limit}`.execute(db);
  return res.rows.map(toRun);
}

export async function getRun(db: Db, schema: string, id: number): Promise<AutomationRun | undefined> {
  const res = await sql<Row>`select * from ${sql.id(schema, '_automation_run')} where id = ${id}`.execute(db);
  return res.rows[0] && toRun(res.rows[0]);
}

/**
 * Claims an effect's idempotency key in the transaction that makes the effect: true the first
 * time, false if an earlier attempt's effect committed (a concurrent one waits for it, then false).
 */
export async function claimEffect(db: Db, schema: string, key: string, now: Date): Promise<boolean> {
  const res =
    await sql`insert into ${sql.id(schema, '_automation_effect')} (key, at) values (${key}, ${now.toISOString()}) on conflict (key) do nothing returning key`.execute(
      db,
    );
  return res.rows.length === 1;
}

/** Records an effect made in the transaction that completes its run's job (which guards it: no claim first). */
export async function recordEffect(db: Db, schema: string, key: string, result: unknown, now: Date): Promise<void> {
  await sql`insert into ${sql.id(schema, '_automation_effect')} (key, at, result) values (${key}, ${now.toISOString()}, ${JSON.stringify(result ?? null)}::jsonb)
    on conflict (key) do nothing`.execute(db);
}

export async function effectResult(db: Db, schema: string, key: string): Promise<{ result: unknown } | undefined> {
  const res = await sql<{ result: unknown }>`select result from ${sql.id(schema, '_automation_effect')} where key = ${key}`.execute(db);
  return res.rows[0];
}

export async function setEffectResult(db: Db, schema: string, key: string, result: unknown): Promise<void> {
  await sql`update ${sql.id(schema, '_automation_effect')} set result = ${JSON.stringify(result ?? null)}::jsonb where key = ${key}`.execute(db);
}
