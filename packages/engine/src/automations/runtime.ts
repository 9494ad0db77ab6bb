import { AppError } from '@tangram/errors';
import type { Automation, AutomationAction } from '@tangram/metadata';
import type { OutboundPolicy } from '@tangram/net';
import { sql } from 'kysely';
import type { ActionContext } from '../access/context';
import type { UserAccess } from '../access/access';
import type { Db } from '../db/database';
import type { Jobs } from '../jobs/jobs';
import { type EnqueueInput, type Job, type JobContext, JobLeaseLost } from '../jobs/types';
import type { Model, ObjectModel } from '../model/compile';
import { type OutboxEvent, ackPending, claimPending } from '../outbox/outbox';
import { type RecordBehaviour, runAfterCommit } from '../records/behaviours';
import type { RecordService } from '../records/service';
import type { Tx } from '../records/tx';
import { type EventBody, type Trigger, httpActionKinds, localText, recordActionKinds, runHttpAction, runRecordAction } from './actions';
import { type NotificationSender, sendNotification, tenantAdmins } from './notify';
import { type EmailSender, runEmailAction } from './email';
import { conditionLookupsOf, lookupsOf, withLookups } from '../model/lookups';
import { seenBy } from './seen-by';
import { type EventFacts, type RunEvent, afterCommitAutomations, conditionHolds, factsOf, fires, maxDepth, selfCaused, variables } from './match';
import {
  type ActionResult,
  type AutomationRun,
  type RunKey,
  claimEffect,
  effectResult,
  finishRun,
  getRun,
  listRuns,
  recordEffect,
  saveRun,
  setEffectResult,
  skippedRun,
  startRun,
} from './runs';
import { type SweepResult, Sweeper, sweepSchedule } from './sweeps';

// After-commit automations (docs/guides/automations.md): a dispatcher job reads each tenant's
// outbox as the consumer 'automations', and for every (event, automation) whose trigger fires
// and whose condition holds enqueues one run job — keyed, in the transaction that acknowledges
// the events, so a crash neither loses nor doubles a run. The run job runs the actions in order;
// each action's effect is made once, under the idempotency key `<event id>:<automation id>:<action id>`.
// Time-triggered automations reach the same runner from the sweeps (sweeps.ts): their run has an
// episode instead of an event, and their effects the key `sweep:<episode id>:<action id>`.

export const dispatchQueue = 'automations.dispatch';
export const runQueue = 'automations.run';
/** The outbox consumer the dispatcher reads as. */
export const consumer = 'automations';
/** The catch-up schedule: a dispatch of every tenant each minute, for wake-ups lost in a crash. */
export const dispatchSchedule = { name: 'automations.dispatch', cron: '* * * * *', timeZone: 'UTC', queue: dispatchQueue } as const;

/** Outbound HTTP of webhooks and robots: the guard's policy, and the secrets `secretRef` names. */
export interface OutboundOptions extends OutboundPolicy {
  /** Signing secrets by name (a webhook's `secretRef`). */
  secrets?: Record<string, string>;
}

/** What the runtime needs of one tenant (the engine's TenantEngine). */
export interface AutomationTenant {
  tenant: { id: string; slug: string; schema: string };
  records: RecordService;
  model(): Promise<Model>;
  access: { forUser(userId: string): Promise<UserAccess> };
  notifications: NotificationSender;
}

/** What the runtime needs of the engine. */
export interface AutomationHost {
  db: Db;
  jobs: Jobs;
  tenant(slug: string): Promise<AutomationTenant>;
  listTenants(): Promise<{ id: string; slug: string; schema: string }[]>;
  outbound?: OutboundOptions;
  /** See EngineOptions.automationWakeMs. */
  wakeMs?: number;
  /** The zone a date field's day starts in, for date-triggered sweeps (default UTC). */
  timeZone?: string;
  /** Sends the `email` action's mail (the engine's Mailer). */
  mail?: EmailSender;
}

/** Events a dispatcher reads at a time, and the batches one dispatch job takes before leaving the rest to another. */
const dispatchBatch = 200;
const batchesPerDispatchJob = 2;

/** How long a process holds back further dispatch wake-ups of a tenant while one is pending (default). */
const defaultWakeMs = 250;

interface PendingWake {
  /** A write wanted a wake-up while this one was pending. */
  skipped: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface DispatchPayload {
  /** The tenant's slug; absent: every tenant (the catch-up schedule). */
  tenant?: string;
}

/** A run job's payload: what triggered the run, and the record as it was then. */
export interface RunPayload {
  tenant: string;
  automation: string;
  /** The outbox event's id; for a time-triggered run, its episode's id negated (the run log's key). */
  eventId: number;
  event: RunEvent;
  objectId: string;
  recordId: string;
  record: Record<string, unknown>;
  previous: Record<string, unknown>;
  changed: string[];
  actor: string | null;
  depth: number;
  /** A time-triggered run: its episode (the `_automation_sweep` row) and the episode's value. */
  episode?: { id: number; key: string };
}

/** The idempotency key of one action's effect in a run: per event, or per episode for a time-triggered run. */
/** Actions made in the database, in a transaction (not sent out over the network). */
const inDatabase = (kind: string) => recordActionKinds.has(kind) || kind === 'notify';

export function effectKeyOf(p: Pick<RunPayload, 'eventId' | 'episode' | 'automation'>, actionId: string): string {
  // Action ids are unique within an automation only: the event's key names the automation too.
  return p.episode ? `sweep:${p.episode.id}:${actionId}` : `${p.eventId}:${p.automation}:${actionId}`;
}

/** A failure as the run log keeps it: its code if it has one, and its message. */
export function describeError(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  return (typeof code === 'string' ? `${code}: ${message}` : message).slice(0, 4000);
}

/**
 * The after-commit engine of one Engine: registers the dispatcher and runner queues on its jobs,
 * and the pipeline behaviour that wakes the dispatcher after a write that may trigger something.
 */
export class AutomationRuntime {
  /** The pipeline behaviour that enqueues a dispatch once per transaction that wrote a watched record. */
  readonly wakeBehaviour: RecordBehaviour;
  /** The objects whose events the dispatcher reads (the outbox subscription of the consumer 'automations'). */
  readonly wanted: (model: Model, objectId: string) => boolean;
  /** The sweeps of time-triggered automations (queue `automations.sweep`). */
  readonly sweeper: Sweeper;
  private readonly woken = new WeakSet<Tx>();
  private tenantsBySchema = new Map<string, { slug: string; id: string }>();
  /** Per tenant id: a dispatch this process enqueued that has not started yet (see wake). */
  private readonly pending = new Map<string, PendingWake>();

  constructor(private readonly host: AutomationHost) {
    host.jobs.register<DispatchPayload>(dispatchQueue, (job, ctx) => this.dispatchJob(job, ctx), { batchSize: 20 });
    // Batches of 40 at 8 at a time. A run is mostly waiting on its few statements' round trips:
    // with 4 lanes the queue drained at about 100 runs/s on the bench machine with the process
    // half idle, and at 100 events/s the lag grew (bench automation_latency p99 1.3–2.5 s); with
    // 8 it keeps up (p99 0.4–0.6 s). A batch's last jobs leave few lanes idle before the next claim.
    host.jobs.register<RunPayload>(runQueue, (job, ctx) => this.run(job, ctx), {
      concurrency: 8,
      batchSize: 40,
      onDead: (job) => this.dead(job as Job<RunPayload>),
    });
    this.wanted = (model, objectId) => afterCommitAutomations(model).has(objectId);
    this.sweeper = new Sweeper(host, runQueue, host.timeZone ?? 'UTC');
    this.wakeBehaviour = { name: 'automations.wake', phase: 'afterCommit', actions: ['create', 'update', 'delete'], run: (w) => this.wake(w.tx, w.om.id) };
  }

  /** Declares the catch-up and sweep schedules (a worker does it at start). */
  async schedule(): Promise<void> {
    await this.host.jobs.schedule(dispatchSchedule);
    await this.host.jobs.schedule(sweepSchedule);
  }

  /** Sweeps one tenant's time-triggered automations now (the sweep job does it every minute). */
  sweep(te: AutomationTenant): Promise<SweepResult[]> {
    return this.sweeper.sweep(te);
  }

  /**
   * Wakes the tenant's dispatcher after a committed write that an automation may watch. Wakes are
   * coalesced per tenant: while a dispatch this process enqueued has not started, further writes
   * enqueue nothing — that dispatch reads every event committed before it starts. A dispatch
   * running in another process cannot tell this one it started, so a wake skipped for longer
   * than the window (`wakeMs`) is made at the window's end (trailing edge): with a worker elsewhere an
   * event waits at most that long; the per-minute catch-up covers a wake lost in a crash.
   */
  private async wake(tx: Tx, objectId: string): Promise<void> {
    if (this.woken.has(tx) || !afterCommitAutomations(tx.model).has(objectId)) return;
    this.woken.add(tx);
    const t = await this.tenantOf(tx.schema);
    if (!t) return;
    const pending = this.pending.get(t.id);
    if (pending) {
      pending.skipped = true;
      return;
    }
    const entry: PendingWake = { skipped: false, timer: undefined };
    this.pending.set(t.id, entry);
    entry.timer = setTimeout(() => {
      if (this.pending.get(t.id) !== entry) return;
      this.pending.delete(t.id);
      if (entry.skipped) void this.enqueueDispatch(t).catch(() => undefined);
    }, this.host.wakeMs ?? defaultWakeMs);
    entry.timer.unref?.();
    try {
      await this.enqueueDispatch(t);
    } catch (e) {
      this.started(t.id);
      throw e;
    }
  }

  private async enqueueDispatch(t: { slug: string; id: string }): Promise<void> {
    await this.host.jobs.enqueue(this.host.db, { queue: dispatchQueue, tenantId: t.id, payload: { tenant: t.slug }, maxAttempts: 3, backoffMs: 1000 });
  }

  /** A dispatch of the tenant starts here: it will read every event committed so far, so wakes may be enqueued again. */
  private started(tenantId: string): void {
    const entry = this.pending.get(tenantId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(tenantId);
  }

  /** Forgets the wake-up timers (the engine is closing). */
  close(): void {
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private async tenantOf(schema: string): Promise<{ slug: string; id: string } | undefined> {
    if (!this.tenantsBySchema.has(schema)) this.tenantsBySchema = new Map((await this.host.listTenants()).map((t) => [t.schema, { slug: t.slug, id: t.id }]));
    return this.tenantsBySchema.get(schema);
  }

  private async dispatchJob(job: Job<DispatchPayload>, ctx: JobContext): Promise<{ events: number; runs: number }> {
    const slugs = job.payload?.tenant ? [job.payload.tenant] : (await this.host.listTenants()).map((t) => t.slug);
    const total = { events: 0, runs: 0 };
    for (const slug of slugs) {
      const te = await this.host.tenant(slug);
      this.started(te.tenant.id);
      const n = await this.dispatch(te, `${ctx.worker}#${job.id}`, { maxBatches: batchesPerDispatchJob });
      total.events += n.events;
      total.runs += n.runs;
      // More events than one job takes: the rest in a job of its own, so a worker that yields to
      // requests between batches (Jobs.start's duty cycle) can, instead of one job draining a burst.
      if (n.more) await this.enqueueDispatch(te.tenant);
    }
    return total;
  }

  /**
   * Hands a tenant's new events to its automations, a batch at a time: the run jobs of a batch
   * are enqueued in the transaction that acknowledges it. Events no automation watches are
   * acknowledged too, so enabling an automation later does not replay the past.
   */
  async dispatch(te: AutomationTenant, worker: string, opts: { maxBatches?: number } = {}): Promise<{ events: number; runs: number; more: boolean }> {
    const { db, jobs } = this.host;
    const schema = te.tenant.schema;
    const total = { events: 0, runs: 0, more: false };
    for (let batch = 0; ; batch++) {
      if (opts.maxBatches !== undefined && batch >= opts.maxBatches) return { ...total, more: true };
      const events = await claimPending(db, schema, consumer, worker, { limit: dispatchBatch });
      if (!events.length) return total;
      const model = await te.model();
      const watched = afterCommitAutomations(model);
      const now = jobs.clock.now();
      const scopes = await this.conditionScopes(te, model, events);
      await db.transaction().execute(async (trx) => {
        const runs: EnqueueInput<RunPayload>[] = [];
        for (const e of events) {
          const list = watched.get(e.objectId);
          const om = model.byId.get(e.objectId);
          if (!list || !om) continue;
          const facts = factsOf(e);
          for (const a of list) {
            if (!fires(a, om, facts) || selfCaused(a, facts)) continue;
            const depth = (facts.via?.depth ?? 0) + 1;
            const key: RunKey = { automation: a.id, eventId: e.id, objectId: e.objectId, recordId: e.recordId, depth };
            let holds: boolean;
            try {
              holds = conditionHolds(a, facts, variables(facts, now, e.actor), scopes.get(e.id));
            } catch (err) {
              await skippedRun(trx, schema, key, `the condition could not be evaluated: ${describeError(err)}`, now);
              continue;
            }
            if (!holds) continue;
            if (depth > maxDepth) {
              await skippedRun(trx, schema, key, `not run: a chain of automations deeper than ${maxDepth} is cut (this would be depth ${depth})`, now);
              continue;
            }
            runs.push({
              queue: runQueue,
              tenantId: te.tenant.id,
              key: `auto:${te.tenant.id}:${e.id}:${a.id}`,
              payload: runPayload(te.tenant.slug, a, e, facts, depth),
              maxAttempts: 5,
              backoffMs: 10_000,
            });
          }
        }
        total.runs += await jobs.enqueueMany(trx, runs);
        await ackPending(
          trx,
          schema,
          consumer,
          worker,
          events.map((e) => e.id),
        );
      });
      total.events += events.length;
      if (total.runs) jobs.wake();
    }
  }

  /**
   * The records of a batch's events with the lookup paths their automations' conditions read:
   * one query per lookup per object in the batch, for the events some such automation fires on.
   */
  private async conditionScopes(te: AutomationTenant, model: Model, events: OutboxEvent[]): Promise<Map<number, Record<string, unknown>>> {
    const scopes = new Map<number, Record<string, unknown>>();
    const byObject = new Map<string, OutboxEvent[]>();
    for (const e of events) {
      const list = afterCommitAutomations(model).get(e.objectId);
      const om = model.byId.get(e.objectId);
      if (!list || !om || !conditionLookupsOf(model, om, list)) continue;
      const facts = factsOf(e);
      if (!list.some((a) => lookupsOf(model, a).condition && fires(a, om, facts) && !selfCaused(a, facts))) continue;
      byObject.set(e.objectId, [...(byObject.get(e.objectId) ?? []), e]);
    }
    for (const [objectId, list] of byObject) {
      const om = model.byId.get(objectId) as ObjectModel;
      const plan = conditionLookupsOf(model, om, afterCommitAutomations(model).get(objectId) ?? []);
      const records = await withLookups(
        this.host.db,
        te.tenant.schema,
        plan,
        list.map((e) => factsOf(e).record),
      );
      for (const [i, e] of list.entries()) scopes.set(e.id, records[i] as Record<string, unknown>);
    }
    return scopes;
  }

  /**
   * The runner: the automation's actions in order, each effect once under its key. A last action
   * in the database (a record action, a notification) is made in the transaction that completes
   * the job — the job's lock then guards it, and the run is recorded there too; a run with a
   * webhook, robot or e-mail is recorded as running first (those take a while).
   */
  private async run(job: Job<RunPayload>, ctx: JobContext): Promise<{ status: string }> {
    const p = job.payload;
    const { db, jobs } = this.host;
    const te = await this.host.tenant(p.tenant);
    const schema = te.tenant.schema;
    const model = await te.model();
    const key: RunKey = { automation: p.automation, eventId: p.eventId, objectId: p.objectId, recordId: p.recordId, depth: p.depth, episodeId: p.episode?.id };
    const startedAt = jobs.clock.now();
    const a = model.app.automations.find((x) => x.id === p.automation);
    const om = model.byId.get(p.objectId);
    if (!a?.enabled || !om) {
      await ctx.complete((trx) =>
        saveRun(trx, schema, key, job.id, 'skipped', [], 'the automation was disabled or removed before it ran', startedAt, jobs.clock.now()),
      );
      return { status: 'skipped' };
    }
    const runId = a.actions.every((x) => inDatabase(x.kind)) ? undefined : await startRun(db, schema, key, job.id, startedAt);
    const results: ActionResult[] = [];
    const ended = (trx: Db, status: 'succeeded' | 'failed', error: string | null) =>
      runId === undefined
        ? saveRun(trx, schema, key, job.id, status, results, error, startedAt, jobs.clock.now())
        : finishRun(trx, schema, runId, status, results, error, jobs.clock.now());
    const facts: EventFacts = { event: p.event, record: p.record, previous: p.previous, changed: p.changed };
    const now = jobs.clock.now();
    const trigger: Trigger = { automation: a, om, recordId: p.recordId, record: p.record, vars: variables(facts, now, p.actor) };
    const plan = lookupsOf(model, a).values;
    if (plan) [trigger.scope] = await withLookups(db, schema, plan, [p.record]);
    const actionCtx = await this.actionContext(te, a, p);
    for (const [i, action] of a.actions.entries()) {
      const effectKey = effectKeyOf(p, action.id);
      // A first attempt finds no effect of an earlier one (run jobs are keyed: no other job has this run's keys).
      const prior = job.attempts > 1 ? await effectResult(db, schema, effectKey) : undefined;
      if (prior) {
        results.push({ id: action.id, kind: action.kind, status: 'done', already: true, result: prior.result });
        continue;
      }
      if (!inDatabase(action.kind) && !httpActionKinds.has(action.kind) && action.kind !== 'email') {
        results.push({
          id: action.id,
          kind: action.kind,
          status: 'skipped',
          error: `${action.kind} actions are not yet available`,
        });
        continue;
      }
      try {
        if (i === a.actions.length - 1 && inDatabase(action.kind)) {
          // The last action, its effect key, the run and the job's completion: one transaction.
          let hooks: (() => Promise<void>)[] = [];
          await ctx.complete(async (trx) => {
            const made = recordActionKinds.has(action.kind)
              ? await te.records.within(trx, actionCtx, (w) => runRecordAction(action, trigger, w), { now, model })
              : { result: await notificationOf(trx, te, action, a, om, p, effectKey), afterCommit: [] };
            await recordEffect(trx, schema, effectKey, made.result, now);
            results.push({ id: action.id, kind: action.kind, status: 'done', result: made.result });
            await ended(trx, 'succeeded', null);
            hooks = made.afterCommit;
          });
          await runAfterCommit(hooks);
          return { status: 'succeeded' };
        }
        const result = recordActionKinds.has(action.kind)
          ? await this.recordAction(te, action, trigger, actionCtx, effectKey, now)
          : action.kind === 'notify'
            ? await this.notifyAction(te, action, a, om, p, effectKey, now)
            : action.kind === 'email'
              ? await runEmailAction(this.host.mail, {
                  db,
                  tenant: te.tenant,
                  action,
                  om,
                  record: p.record,
                  seenBy: await seenBy({ db, tenant: te.tenant, access: te.access }, om, p.recordId, p.record),
                  effectKey,
                  now,
                })
              : await this.httpAction(te, action, a, p, effectKey, now, ctx.signal);
        results.push({ id: action.id, kind: action.kind, status: 'done', ...(result.already ? { already: true } : {}), result: result.value });
      } catch (e) {
        // Another worker has the job now: its attempt records the run.
        if (e instanceof JobLeaseLost) throw e;
        const error = describeError(e);
        results.push({ id: action.id, kind: action.kind, status: 'failed', error });
        await ended(db, 'failed', error);
        throw e;
      }
    }
    await ctx.complete((trx) => ended(trx, 'succeeded', null));
    return { status: 'succeeded' };
  }

  /** Whose rights the actions use: the system's (unrestricted), or the user who made the change. */
  private async actionContext(te: AutomationTenant, a: Automation, p: RunPayload): Promise<ActionContext> {
    const via = { automation: a.id, depth: p.depth };
    if (a.runAs === 'actor' && p.actor) return { actor: p.actor, access: await te.access.forUser(p.actor), automation: via };
    return { actor: null, automation: via };
  }

  /** A record action: the key claimed and the writes made in one transaction, through the pipeline. */
  private async recordAction(
    te: AutomationTenant,
    action: AutomationAction,
    t: Trigger,
    ctx: ActionContext,
    effectKey: string,
    now: Date,
  ): Promise<{ value: unknown; already?: boolean }> {
    const schema = te.tenant.schema;
    const model = await te.model();
    let hooks: (() => Promise<void>)[] = [];
    const out = await this.host.db.transaction().execute(async (trx) => {
      if (!(await claimEffect(trx, schema, effectKey, now))) return { value: (await effectResult(trx, schema, effectKey))?.result, already: true };
      const { result, afterCommit } = await te.records.within(trx, ctx, (w) => runRecordAction(action, t, w), { now, model });
      await setEffectResult(trx, schema, effectKey, result);
      hooks = afterCommit;
      return { value: result };
    });
    await runAfterCommit(hooks);
    return out;
  }

  /** An in-app notification: the key claimed and the notifications written in one transaction (live delivery follows the commit). */
  private async notifyAction(
    te: AutomationTenant,
    action: AutomationAction,
    a: Automation,
    om: ObjectModel,
    p: RunPayload,
    effectKey: string,
    now: Date,
  ): Promise<{ value: unknown; already?: boolean }> {
    const schema = te.tenant.schema;
    return this.host.db.transaction().execute(async (trx) => {
      if (!(await claimEffect(trx, schema, effectKey, now))) return { value: (await effectResult(trx, schema, effectKey))?.result, already: true };
      const value = await notificationOf(trx, te, action, a, om, p, effectKey);
      await setEffectResult(trx, schema, effectKey, value);
      return { value };
    });
  }

  /** A webhook or robot: sent (again, on a retry, with the same Idempotency-Key), then its key recorded. */
  private async httpAction(
    te: AutomationTenant,
    action: AutomationAction,
    a: Automation,
    p: RunPayload,
    effectKey: string,
    now: Date,
    signal: AbortSignal,
  ): Promise<{ value: unknown; already?: boolean }> {
    const { secrets = {}, ...policy } = this.host.outbound ?? {};
    const body: EventBody = {
      automation: a.id,
      action: action.id,
      event: p.event,
      eventId: p.eventId,
      object: (await te.model()).byId.get(p.objectId)?.name ?? p.objectId,
      record: p.record,
      previous: p.previous,
    };
    const value = await runHttpAction(action, body, `${te.tenant.id}:${effectKey}`, { policy, secrets, now, signal });
    const schema = te.tenant.schema;
    await this.host.db.transaction().execute(async (trx) => {
      if (await claimEffect(trx, schema, effectKey, now)) await setEffectResult(trx, schema, effectKey, value);
    });
    return { value };
  }

  /** A run job used its last attempt: its run stays failed, with the last error, and the tenant's admins and the automation's owner are told (once). */
  private async dead(job: Job<RunPayload>): Promise<void> {
    const p = job.payload;
    const te = await this.host.tenant(p.tenant);
    await sqlMarkDead(this.host.db, te.tenant.schema, job);
    const model = await te.model();
    const a = model.app.automations.find((x) => x.id === p.automation);
    const om = model.byId.get(p.objectId);
    const name = a ? (localText(a.label) ?? a.name) : p.automation;
    await te.notifications.notify(this.host.db, {
      to: [...new Set([...(await tenantAdmins(this.host.db, te.tenant.id)), ...(a?.owner ? [a.owner] : [])])],
      kind: 'automation.failed',
      title: `自动化「${name}」运行失败`,
      body: (job.lastError ?? '').slice(0, 500) || null,
      link: om ? { object: om.name, recordId: p.recordId } : null,
      source: { type: 'automation', id: p.automation },
      key: `dead:${job.id}`,
    });
  }

  /** A tenant's run log of one automation, newest first; page with `before` (the last run id seen). */
  async runs(te: AutomationTenant, automation: string, opts: { limit?: number; before?: number } = {}): Promise<AutomationRun[]> {
    const model = await te.model();
    if (!model.app.automations.some((a) => a.id === automation)) throw new AppError('AUTOMATION_NOT_FOUND', { automation: String(automation).slice(0, 100) });
    return listRuns(this.host.db, te.tenant.schema, automation, opts);
  }

  /**
   * Puts a failed run's dead job back in the queue: it starts again from the failed action, the
   * actions already done being skipped by their idempotency keys.
   */
  async retry(te: AutomationTenant, automation: string, runId: number): Promise<AutomationRun> {
    const run = Number.isSafeInteger(runId) ? await getRun(this.host.db, te.tenant.schema, runId) : undefined;
    if (!run || run.automation !== automation) throw new AppError('AUTOMATION_RUN_NOT_FOUND', { run: runId });
    const job = run.jobId === null ? undefined : await this.host.jobs.get(run.jobId);
    if (run.status !== 'failed' || !job || job.state !== 'dead')
      throw new AppError('AUTOMATION_RUN_NOT_RETRYABLE', { run: runId, status: run.status, job: job?.state ?? null });
    // Put back only while still dead: of two retries at once, the second is told so.
    if (!(await this.host.jobs.retry(job.id, { attempts: 1 })))
      throw new AppError('AUTOMATION_RUN_NOT_RETRYABLE', { run: runId, status: run.status, job: (await this.host.jobs.get(job.id))?.state ?? null });
    return run;
  }
}

/** An automation's in-app notification, written in `trx` under the effect's key. */
function notificationOf(trx: Db, te: AutomationTenant, action: AutomationAction, a: Automation, om: ObjectModel, p: RunPayload, key: string): Promise<unknown> {
  return sendNotification(trx, te.tenant.schema, te.notifications, { automation: a, action, om, recordId: p.recordId, record: p.record, key });
}

function runPayload(tenant: string, a: Automation, e: OutboxEvent, f: EventFacts, depth: number): RunPayload {
  return {
    tenant,
    automation: a.id,
    eventId: e.id,
    event: e.event,
    objectId: e.objectId,
    recordId: e.recordId,
    record: f.record,
    previous: f.previous,
    changed: f.changed,
    actor: e.actor,
    depth,
  };
}

/** The dead job's last error on its run, whatever the attempt that failed wrote. */
async function sqlMarkDead(db: Db, schema: string, job: Job<RunPayload>): Promise<void> {
  await sql`update ${sql.id(schema, '_automation_run')} set status = 'failed', error = coalesce(error, ${job.lastError}), finished_at = coalesce(finished_at, now())
    where automation_id = ${job.payload.automation} and event_id = ${job.payload.eventId}`.execute(db);
}
