import { sql } from 'kysely';
import type { Db } from '../db/database';

// What the engine keeps of its own bookkeeping, and for how long (docs/architecture.md,
// "Retention"). Business data, its audit history and the automations' episodes are kept: an
// episode forgotten would fire its rule again. Deleted here, in batches oldest first (by id, the
// order rows are written in, so no extra index is needed), once a day on one worker:
// - finished jobs (done, cancelled) with their run history, and dead ones after longer;
// - the effects' idempotency keys, long after any retry of their run could come;
// - outbox events every subscribed consumer is done with (leases go with them);
// - the automations' run log.

export interface RetentionPolicy {
  /** Done and cancelled jobs (default 14). */
  jobsDays: number;
  /** Dead jobs, which an admin may still retry (default 60). */
  deadJobsDays: number;
  /** Effect keys of automation actions (default 30). */
  effectsDays: number;
  /** Outbox events no subscribed consumer still waits for (default 30). */
  eventsDays: number;
  /** Finished automation runs (default 90). */
  runsDays: number;
}

export const defaultRetention: RetentionPolicy = { jobsDays: 14, deadJobsDays: 60, effectsDays: 30, eventsDays: 30, runsDays: 90 };

const day = 86_400_000;
const batch = 5000;

/** Runs `remove` batch by batch until a batch comes back short; the number deleted. */
async function inBatches(remove: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await remove(batch);
    total += n;
    if (n < batch) return total;
  }
}

const count = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);

/** The platform's finished jobs past their time (of the queues named `queuePrefix…`, tests' namespaces); the number deleted. */
export async function pruneJobs(db: Db, now: Date, p: RetentionPolicy = defaultRetention, queuePrefix = ''): Promise<number> {
  const done = new Date(now.getTime() - p.jobsDays * day).toISOString();
  const dead = new Date(now.getTime() - p.deadJobsDays * day).toISOString();
  return inBatches(async (limit) =>
    count(
      await sql`delete from platform.job where id in (
        select id from platform.job
        where ((state in ('done', 'cancelled') and finished_at < ${done}::timestamptz) or (state = 'dead' and finished_at < ${dead}::timestamptz))
          and starts_with(queue, ${queuePrefix})
        order by id limit ${limit})`.execute(db),
    ),
  );
}

/** One tenant's bookkeeping past its time, by table. */
export async function pruneTenant(db: Db, schema: string, now: Date, p: RetentionPolicy = defaultRetention): Promise<Record<string, number>> {
  const t = (name: string) => sql.id(schema, name);
  const before = (days: number) => new Date(now.getTime() - days * day).toISOString();
  const effects = await inBatches(async (limit) =>
    count(
      await sql`delete from ${t('_automation_effect')} where key in (
        select key from ${t('_automation_effect')} where at < ${before(p.effectsDays)}::timestamptz limit ${limit})`.execute(db),
    ),
  );
  const events = await inBatches(async (limit) =>
    count(
      await sql`delete from ${t('_outbox')} where id in (
        select e.id from ${t('_outbox')} e where e.at < ${before(p.eventsDays)}::timestamptz
          and not exists (select 1 from ${t('_outbox_pending')} q where q.event_id = e.id)
        order by e.id limit ${limit})`.execute(db),
    ),
  );
  const runs = await inBatches(async (limit) =>
    count(
      await sql`delete from ${t('_automation_run')} where id in (
        select id from ${t('_automation_run')} where finished_at < ${before(p.runsDays)}::timestamptz order by id limit ${limit})`.execute(db),
    ),
  );
  return { effects, events, runs };
}
