import { lookupPathsOf } from '@tangram/fields';
import type { Automation } from '@tangram/metadata';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { EnqueueInput, Job, JobContext } from '../jobs/types';
import type { ObjectModel } from '../model/compile';
import { rowToRecord } from '../model/row';
import { attachJunctions } from '../query/query';
import { lookupsOf, withLookups } from '../model/lookups';
import { type EventFacts, conditionHolds, variables } from './match';
import { type RunKey, skippedRun } from './runs';
import { type AutomationHost, type AutomationTenant, type RunPayload, describeError } from './runtime';
import { type SweepWindow, dueQuery, isTimeTriggered } from './sweep-query';

// Time-triggered automations (docs/guides/automations.md#time-triggers): a sweep job, on the
// jobs module's minutely schedule, asks each enabled time-triggered automation of every tenant
// for the records that came due since its watermark — one set-based query each — and fires each
// (automation, record, episode) once: the fire row is inserted `on conflict do nothing` and its
// run job enqueued in the same transaction, which also moves the watermark. Peers sweeping at
// the same time insert nothing twice; a sweep after a gap covers the whole gap.

export const sweepQueue = 'automations.sweep';
/** The sweep schedule: every minute; one missed while no worker ran is caught up by the next sweep's window. */
export const sweepSchedule = { name: 'automations.sweep', cron: '* * * * *', timeZone: 'UTC', queue: sweepQueue } as const;

interface SweepPayload {
  /** The tenant's slug; absent: every tenant (the schedule). */
  tenant?: string;
}

/** What one sweep of one automation did. */
export interface SweepResult {
  automation: string;
  /** Records the due query returned (before the condition). */
  due: number;
  /** Episodes fired now (a run each). */
  fired: number;
  /** A schedule: its tick, and how many ticks before it were missed. */
  tick?: { slot: string; missed: number };
}

export class Sweeper {
  constructor(
    private readonly host: AutomationHost,
    private readonly runQueue: string,
    private readonly timeZone: string,
  ) {
    host.jobs.register<SweepPayload>(sweepQueue, (job, ctx) => this.sweepJob(job, ctx), { batchSize: 5 });
  }

  /** Every tenant is swept even if one fails; the job then fails (and is retried) naming those that did. */
  private async sweepJob(job: Job<SweepPayload>, _ctx: JobContext): Promise<{ fired: number }> {
    const slugs = job.payload?.tenant ? [job.payload.tenant] : (await this.host.listTenants()).map((t) => t.slug);
    let fired = 0;
    const failed: string[] = [];
    for (const slug of slugs) {
      try {
        for (const r of await this.sweep(await this.host.tenant(slug))) fired += r.fired;
      } catch (e) {
        failed.push(`${slug}: ${describeError(e)}`);
      }
    }
    if (fired) this.host.jobs.wake();
    if (failed.length) throw new Error(`sweeps failed in ${failed.length} tenant(s): ${failed.join('; ')}`.slice(0, 4000));
    return { fired };
  }

  /**
   * Sweeps one tenant's time-triggered automations up to now (the engine's clock). An
   * automation seen for the first time is armed — its watermark set to now — and fires from the
   * next sweep on: moments before it was published are history. A disabled one fires nothing
   * and its watermark follows the clock, so enabling it again does not replay the time it was off.
   */
  async sweep(te: AutomationTenant): Promise<SweepResult[]> {
    const model = await te.model();
    const now = this.host.jobs.clock.now();
    const out: SweepResult[] = [];
    const failed: string[] = [];
    for (const a of model.app.automations) {
      const om = model.byId.get(a.object);
      if (!isTimeTriggered(a) || !om) continue;
      // One rule failing leaves the others swept (and its own watermark where it was: retried next time).
      try {
        const from = await this.watermark(te.tenant.schema, a.id, now);
        if (!from || !a.enabled || from >= now) {
          if (from && from < now) await this.advance(this.host.db, te.tenant.schema, a.id, now);
          continue;
        }
        out.push(await this.sweepOne(te, om, a, { from, to: now }));
      } catch (e) {
        failed.push(`${a.name}: ${describeError(e)}`);
      }
    }
    if (failed.length) throw new Error(`automations not swept: ${failed.join('; ')}`);
    return out;
  }

  /** The automation's watermark; undefined (and armed at `now`) the first time. */
  private async watermark(schema: string, automation: string, now: Date): Promise<Date | undefined> {
    const { rows } = await sql<{
      swept_until: string;
    }>`select swept_until from ${sql.id(schema, '_automation_sweep_state')} where automation_id = ${automation}`.execute(this.host.db);
    if (rows[0]) return new Date(rows[0].swept_until);
    await sql`insert into ${sql.id(schema, '_automation_sweep_state')} (automation_id, swept_until) values (${automation}, ${now.toISOString()})
      on conflict (automation_id) do nothing`.execute(this.host.db);
    return undefined;
  }

  private async advance(db: Db, schema: string, automation: string, to: Date): Promise<void> {
    await sql`update ${sql.id(schema, '_automation_sweep_state')} set swept_until = greatest(swept_until, ${to.toISOString()}::timestamptz)
      where automation_id = ${automation}`.execute(db);
  }

  /** The due query, the condition on each due record, then the fire rows, their run jobs and the watermark in one transaction. */
  async sweepOne(te: AutomationTenant, om: ObjectModel, a: Automation, w: SweepWindow): Promise<SweepResult> {
    const { db, jobs } = this.host;
    const schema = te.tenant.schema;
    const q = dueQuery(schema, om, a, w, this.timeZone);
    const rows = q ? (await q.query.execute(db)).rows : [];
    const records = rows.map((r) => rowToRecord(om, r));
    if (records.length && om.junctions.length) await attachJunctions(db, schema, om, records);
    // Lookup paths in the condition are read in memory (one query per lookup for the sweep): the due query is not narrowed by them.
    const plan = a.condition !== undefined && lookupPathsOf(a.condition).length ? lookupsOf(await te.model(), a).condition : undefined;
    const scopes = plan ? await withLookups(db, schema, plan, records) : records;
    // A condition that cannot be evaluated fires its episode as a skipped run (in the run log, not retried each sweep).
    const due: { record: Record<string, unknown>; episode: string; skip?: string }[] = [];
    for (const [i, record] of records.entries()) {
      const episode = q?.episode(rows[i] as Record<string, unknown>) ?? '';
      const facts: EventFacts = { event: a.trigger.kind as EventFacts['event'], record, previous: {}, changed: [] };
      try {
        if (conditionHolds(a, facts, variables(facts, w.to, null), scopes[i])) due.push({ record, episode });
      } catch (e) {
        due.push({ record, episode, skip: `the condition could not be evaluated: ${describeError(e)}` });
      }
    }
    let fired = 0;
    await db.transaction().execute(async (trx) => {
      // One statement for every due episode (arrays, not one parameter per value); rows already there (a peer fired them) come back as nothing.
      const inserted = due.length
        ? await sql<{ id: string; record_id: string; episode: string }>`
          insert into ${sql.id(schema, '_automation_sweep')} (automation_id, record_id, episode, fired_at)
          select ${a.id}, e.record_id, e.episode, ${w.to.toISOString()}::timestamptz
          from unnest(${due.map((d) => String(d.record.id))}::uuid[], ${due.map((d) => d.episode)}::text[]) as e(record_id, episode)
          on conflict (automation_id, record_id, episode) do nothing
          returning id, record_id, episode`.execute(trx)
        : { rows: [] };
      const byKey = new Map(due.map((d) => [`${String(d.record.id)} ${d.episode}`, d]));
      const runs: EnqueueInput<RunPayload>[] = [];
      for (const f of inserted.rows) {
        const d = byKey.get(`${f.record_id} ${f.episode}`);
        if (!d) continue;
        if (d.skip) {
          await skippedRun(trx, schema, sweepRunKey(a, Number(f.id), f.record_id), d.skip, w.to);
          continue;
        }
        runs.push({
          queue: this.runQueue,
          tenantId: te.tenant.id,
          key: `sweep:${te.tenant.id}:${f.id}`,
          payload: sweepRunPayload(te.tenant.slug, a, Number(f.id), f.episode, d.record),
          maxAttempts: 5,
          backoffMs: 10_000,
        });
      }
      fired = await jobs.enqueueMany(trx, runs);
      await this.advance(trx, schema, a.id, w.to);
    });
    return {
      automation: a.id,
      due: rows.length,
      fired,
      ...(q?.tick ? { tick: { slot: q.tick.slot.toISOString(), missed: q.tick.missed } } : {}),
    };
  }
}

/** A time-triggered run's log key: no event — its episode's id, negated, holds the event's place. */
export function sweepRunKey(a: Automation, episodeId: number, recordId: string): RunKey {
  return { automation: a.id, eventId: -episodeId, episodeId, objectId: a.object, recordId, depth: 1 };
}

function sweepRunPayload(tenant: string, a: Automation, episodeId: number, episode: string, record: Record<string, unknown>): RunPayload {
  return {
    tenant,
    automation: a.id,
    eventId: -episodeId,
    event: a.trigger.kind as EventFacts['event'],
    objectId: a.object,
    recordId: String(record.id),
    record,
    previous: {},
    changed: [],
    actor: null,
    depth: 1,
    episode: { id: episodeId, key: episode },
  };
}
