import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@tangram/errors';
import type { ResolvedApp } from '@tangram/metadata';
import { type Database, type DatabaseOptions, openDatabase } from './db/database';
import { type Model, compileModel } from './model/compile';
import { type ClaimOptions, type OutboxEvent, ackEvents, claimEvents } from './outbox/outbox';
import { type Clock, systemClock } from './jobs/clock';
import { type RetentionPolicy, defaultRetention, pruneJobs, pruneTenant } from './maintenance/retention';
import { RecordActionService } from './record-actions/service';
import { workflowLockBehaviour } from './workflows/lock';
import { WorkflowRuntime } from './workflows/runtime';
import { WorkflowService } from './workflows/service';
import { startTriggerBehaviour } from './workflows/triggers';
import { RecordActionWebhooks } from './record-actions/webhooks';
import { Jobs } from './jobs/jobs';
import {
  type AutomationRun,
  AutomationRuntime,
  type DryRunInput,
  type DryRunResult,
  type OutboundOptions,
  consumer as automationConsumer,
  dryRunAutomation,
} from './automations';
import type { ActionContext } from './access/context';
import { AccessService } from './access/service';
import { TemplateService } from './templates/service';
import { FileService, defaultMaxFileSize } from './files/service';
import { RecordService } from './records/service';
import { ReportService } from './reports/service';
import { type Behaviour, Behaviours, type WriteContext } from './records/behaviours';
import { coreBehaviours } from './records/core-behaviours';
import { type Plan, type PublishOptions, currentRevision, diffRevisions, getRevision, listRevisions, planPublish, publish, rollback } from './schema/publish';
import { purgeField } from './schema/purge';
import { type DraftEdit, applyDraftEdit } from './schema/draft-edits';
import { IdentityService } from './identity/identity';
import { OrgService } from './org/org';
import { NotificationHub } from './notifications/hub';
import { NotificationService } from './notifications/service';
import { Mailer } from './mail/mailer';
import { migrateTenant } from './tenant/tenant-migrations';
import { type Tenant, createTenant, ensurePlatform, findTenant, listTenants, markSetupSteps, platformSecret, setupSteps } from './tenant/tenants';

export interface EngineOptions extends DatabaseOptions {
  /** How often a cached model re-checks the latest revision (other processes may publish). */
  revisionCheckMs?: number;
  timeZone?: string;
  /** How long a user's resolved rights are cached (other processes' role changes show within it). */
  accessCacheMs?: number;
  /**
   * Where uploaded files are kept, one directory per tenant (`<filesDir>/<tenant id>/<file id>`).
   * Default: `<dataDir>/files`, or a directory under the system's temporary directory when there
   * is no data directory (in-memory PGlite, tests).
   */
  filesDir?: string;
  /** The largest upload accepted, in bytes (default 20 MB). */
  maxFileSize?: number;
  /** Behaviours added to the record pipeline after the core's own (see `Engine.behaviours`). */
  behaviours?: readonly Behaviour[];
  /**
   * Told of an error an `afterCommit` behaviour threw (the write is committed all the same).
   * Without it, the error reaches the caller of the write.
   */
  onAfterCommitError?(e: unknown, behaviour: string, ctx: WriteContext): void;
  /**
   * Where the engine reads the time for jobs and schedules (default: the system clock). Tests
   * pass a ManualClock to move time.
   */
  clock?: Clock;
  /**
   * Outbound HTTP of after-commit automations (webhooks, group robots): the hosts an admin
   * allows although they are internal (`allowHosts`, e.g. `127.0.0.1:8080`), limits, and the
   * signing secrets a webhook's `secretRef` names. For now an engine option (docs/guides/automations.md).
   */
  outbound?: OutboundOptions;
  /**
   * How long (ms) this process holds back further wake-ups of a tenant's automation dispatcher
   * while one it enqueued has not started (default 250; see AutomationRuntime.wake).
   */
  automationWakeMs?: number;
  /** Told of an error delivering a notification live (the notification itself is stored). */
  onNotificationError?(e: unknown): void;
  /**
   * E-mail (docs/guides/email.md). `devMailbox`: when a tenant has no SMTP settings, keep its
   * mail in the dev mailbox instead of failing with MAIL_NOT_CONFIGURED (dev and demo servers,
   * tests; default off). SMTP hosts pass the outbound guard with `outbound.allowHosts`.
   */
  mail?: { devMailbox?: boolean };
}

/** The business time zone when the options name none (date buckets, schedules). */
const defaultTimeZone = 'Asia/Shanghai';

/** The directory uploaded files go to under these options. */
export function filesDirOf(opts: EngineOptions): string {
  return opts.filesDir ?? (opts.dataDir ? join(opts.dataDir, 'files') : join(tmpdir(), 'tangram-files'));
}

/**
 * The metadata engine: tenants, their published schema and their records.
 * @example
 * const engine = await Engine.open({ url: process.env.DATABASE_URL })
 * const acme = await engine.createTenant('acme')
 * await acme.schema.publish({ objects: [{ name: 'account', fields: [{ name: 'name', type: 'text' }] }] })
 * await acme.records.create('account', { name: '七巧板科技' })
 */
export class Engine {
  private readonly tenants = new Map<string, TenantEngine>();
  private readonly opening = new Map<string, Promise<TenantEngine>>();
  readonly identity: IdentityService;
  /**
   * The record pipeline's behaviours, for every tenant of this engine: the core's own, then
   * those of the options; engines built on top (automations, approvals) register theirs here.
   * @example
   * engine.behaviours.register({ name: 'approvals.lock', phase: 'beforeWrite', actions: ['update'], run: (ctx) => check(ctx) })
   */
  readonly behaviours: Behaviours;
  /**
   * Durable jobs and cron schedules shared by every tenant (the `platform.job*` tables): enqueue
   * in a transaction, register handlers, then `start()` the worker (`tangram serve` and
   * `tangram worker` do) or `runDue()` in tests.
   */
  readonly jobs: Jobs;
  /** After-commit automations: the dispatcher and runner queues on `jobs`, and their wake-up behaviour. */
  readonly automations: AutomationRuntime;
  /** Process instances (approvals): start, commands in one transaction each, inboxes; their timers on `jobs`. */
  readonly workflows: WorkflowRuntime;
  /** Live delivery of every tenant's notifications in this process (one LISTEN; see NotificationHub). */
  readonly notificationHub: NotificationHub;
  /** E-mail: tenants' SMTP settings, sending once per key, the dev mailbox, the notifications' e-mail channel. */
  readonly mail: Mailer;
  /** The queue of record actions' webhook steps. */
  private readonly recordActionWebhooks: RecordActionWebhooks;

  private constructor(
    readonly database: Database,
    private readonly opts: EngineOptions,
    private readonly cursorKey: Buffer,
  ) {
    this.identity = new IdentityService(database.db);
    this.behaviours = new Behaviours([...coreBehaviours, ...(opts.behaviours ?? [])], { onAfterCommitError: opts.onAfterCommitError });
    this.notificationHub = new NotificationHub(database, opts.onNotificationError);
    this.jobs = new Jobs(database.db, { clock: opts.clock ?? systemClock, timeZone: opts.timeZone ?? defaultTimeZone, namespace: database.jobsNamespace });
    this.mail = new Mailer({ db: database.db, jobs: this.jobs, devMailbox: opts.mail?.devMailbox ?? false, outbound: opts.outbound });
    this.automations = new AutomationRuntime({
      db: database.db,
      jobs: this.jobs,
      tenant: (slug) => this.tenant(slug),
      listTenants: () => this.jobTenants(),
      outbound: opts.outbound,
      wakeMs: opts.automationWakeMs,
      timeZone: opts.timeZone ?? defaultTimeZone,
      mail: this.mail,
    });
    this.behaviours.register(this.automations.wakeBehaviour);
    this.behaviours.subscribe(automationConsumer, this.automations.wanted);
    this.recordActionWebhooks = new RecordActionWebhooks(this.jobs, opts.outbound);
    this.workflows = new WorkflowRuntime({
      db: database.db,
      jobs: this.jobs,
      tenant: (slug) => this.tenant(slug),
      tenantOfSchema: (schema) => [...this.tenants.values()].find((t) => t.tenant.schema === schema),
      webhooks: this.recordActionWebhooks,
    });
    this.behaviours.register(workflowLockBehaviour);
    this.behaviours.register(startTriggerBehaviour(this.workflows));
  }

  /** The engine's clock (see EngineOptions.clock). */
  get clock(): Clock {
    return this.jobs.clock;
  }

  static async open(opts: EngineOptions = {}): Promise<Engine> {
    return Engine.attach(await openDatabase(opts), opts);
  }

  /** Wraps an already open database (tests share one per file). */
  static async attach(database: Database, opts: EngineOptions = {}): Promise<Engine> {
    await ensurePlatform(database.db);
    return new Engine(database, opts, await platformSecret(database.db, 'cursor'));
  }

  get db() {
    return this.database.db;
  }

  async createTenant(slug: string, name?: string, schema?: string): Promise<TenantEngine> {
    const t = await createTenant(this.db, slug, name, schema);
    return this.forTenant(t);
  }

  async tenant(slug: string): Promise<TenantEngine> {
    const cached = this.tenants.get(slug);
    if (cached) return cached;
    let opening = this.opening.get(slug);
    if (!opening) {
      // First use in this process: run the tenant's pending migrations, if any (one query when none).
      opening = (async () => {
        const t = await findTenant(this.db, slug);
        await migrateTenant(this.db, t.schema);
        return this.forTenant(t);
      })().finally(() => this.opening.delete(slug));
      this.opening.set(slug, opening);
    }
    return opening;
  }

  /** Runs every tenant's pending migrations (`tangram migrate`; the platform's ran when the engine opened). */
  async migrate(): Promise<number> {
    const tenants = await this.listTenants();
    for (const t of tenants) await migrateTenant(this.db, t.schema);
    return tenants.length;
  }

  /**
   * Sends records nobody followed up back to their public pools (公海), in every tenant; the
   * counts moved, by tenant and object. A tenant that fails is logged by the caller and skipped.
   */
  async recyclePools(now = new Date(), onError?: (tenant: string, e: unknown) => void): Promise<Record<string, Record<string, number>>> {
    const moved: Record<string, Record<string, number>> = {};
    for (const t of await this.listTenants()) {
      try {
        const counts = await (await this.tenant(t.slug)).records.recyclePools({ now });
        if (Object.keys(counts).length) moved[t.slug] = counts;
      } catch (e) {
        if (!onError) throw e;
        onError(t.slug, e);
      }
    }
    return moved;
  }

  listTenants(): Promise<Tenant[]> {
    return listTenants(this.db);
  }

  /** The tenants this engine's jobs sweep and prune: all, or for a test engine on a shared server (namespaced jobs) those it opened. */
  private async jobTenants(): Promise<Tenant[]> {
    return this.database.jobsNamespace ? [...this.tenants.values()].map((t) => t.tenant) : this.listTenants();
  }

  /**
   * Deletes the engine's bookkeeping past its time (maintenance/retention.ts): finished jobs, and
   * each tenant's effect keys, outbox events nobody waits for and old automation runs. Counts by
   * table; a tenant that fails is reported to `onError` and the others are pruned all the same.
   */
  async prune(
    now = this.clock.now(),
    policy: RetentionPolicy = defaultRetention,
    onError?: (tenant: string, e: unknown) => void,
  ): Promise<{ jobs: number; tenants: Record<string, Record<string, number>> }> {
    const jobs = await pruneJobs(this.db, now, policy, this.database.jobsNamespace ?? '');
    const tenants: Record<string, Record<string, number>> = {};
    const list = await this.jobTenants();
    for (const t of list) {
      try {
        const n = await pruneTenant(this.db, t.schema, now, policy);
        if (Object.values(n).some((v) => v > 0)) tenants[t.slug] = n;
      } catch (e) {
        if (!onError) throw e;
        onError(t.slug, e);
      }
    }
    return { jobs, tenants };
  }

  /** The first-start steps finished on this installation (each recorded once, when done). */
  setupSteps(): Promise<Set<string>> {
    return setupSteps(this.db);
  }

  /** Records steps as finished, together (one statement). */
  markSetupSteps(names: string[]): Promise<void> {
    return markSetupSteps(this.db, names);
  }

  private forTenant(t: Tenant): TenantEngine {
    const te = new TenantEngine(
      this.database,
      t,
      this.opts,
      this.cursorKey,
      this.behaviours,
      this.notificationHub,
      this.automations,
      this.mail,
      this.recordActionWebhooks,
      this.workflows,
    );
    this.tenants.set(t.slug, te);
    return te;
  }

  /** Stops the jobs' worker (waiting for running handlers), then closes the database. */
  async close(): Promise<void> {
    this.automations.close();
    await this.jobs.stop();
    await this.database.close();
  }
}

/** One tenant: its schema (metadata) service, records and outbox. */
export class TenantEngine {
  readonly records: RecordService;
  readonly schema: SchemaService;
  readonly outbox: OutboxService;
  readonly org: OrgService;
  readonly access: AccessService;
  readonly templates: TemplateService;
  readonly files: FileService;
  /** The run log of after-commit automations (present when the tenant was opened through an Engine). */
  readonly automations: TenantAutomations;
  /** The in-app notification centre: notify (in a transaction), list, unread count, mark read, preferences, recipients, live events. */
  readonly notifications: NotificationService;
  /** Record actions (buttons): which a member may run on a record, and running one in one transaction. */
  readonly actions: RecordActionService;
  /** Approvals as members see them: submit, read an instance, act on it, the inbox and its counts (rights checked on each). */
  readonly workflows: WorkflowService;
  /** Reports: one SQL statement per report under the reader's access, and the records behind a cell. */
  readonly reports: ReportService;
  private cache: { model: Model; checkedAt: number } | undefined;

  constructor(
    private readonly database: Database,
    readonly tenant: Tenant,
    private readonly opts: EngineOptions,
    cursorKey: Buffer,
    behaviours: Behaviours = new Behaviours([...coreBehaviours, ...(opts.behaviours ?? [])], { onAfterCommitError: opts.onAfterCommitError }),
    notificationHub: NotificationHub = new NotificationHub(database, opts.onNotificationError),
    runtime?: AutomationRuntime,
    mail?: Mailer,
    webhooks?: RecordActionWebhooks,
    workflowRuntime?: WorkflowRuntime,
  ) {
    this.automations = {
      runs: (automation, o) => (runtime ? runtime.runs(this, automation, o) : Promise.resolve([])),
      retry: (automation, runId) => {
        if (!runtime) throw new AppError('AUTOMATION_RUN_NOT_FOUND', { run: runId });
        return runtime.retry(this, automation, runId);
      },
      dryRun: (input, ctx) =>
        dryRunAutomation(
          { db: database.db, schema: tenant.schema, records: this.records, model: () => this.model(), now: (opts.clock ?? systemClock).now() },
          input,
          ctx,
        ),
    };
    this.records = new RecordService({
      behaviours,
      db: database.db,
      schema: tenant.schema,
      model: () => this.model(),
      timeZone: opts.timeZone,
      cursorKey,
      clock: opts.clock,
    });
    this.reports = new ReportService({ db: database.db, schema: tenant.schema, model: () => this.model(), records: this.records, timeZone: opts.timeZone });
    this.schema = new SchemaService(database, tenant.schema, (m) => this.setModel(m));
    this.outbox = new OutboxService(database, tenant.schema);
    // An organisation change (departments, members' places) changes data scopes.
    this.org = new OrgService(database.db, tenant.schema, () => this.access.invalidate());
    this.access = new AccessService(database.db, tenant.schema, () => this.model(), this.org, opts.accessCacheMs);
    this.templates = new TemplateService(database.db, tenant.schema, this.schema, this.access, this.records);
    this.files = new FileService({
      db: database.db,
      schema: tenant.schema,
      dir: join(filesDirOf(opts), tenant.id),
      maxSize: opts.maxFileSize ?? defaultMaxFileSize,
      model: () => this.model(),
    });
    this.notifications = new NotificationService(database.db, tenant.schema, notificationHub, mail?.notificationChannel(tenant));
    this.actions = new RecordActionService({
      db: database.db,
      schema: tenant.schema,
      records: this.records,
      model: () => this.model(),
      notifications: this.notifications,
      now: () => (opts.clock ?? systemClock).now(),
      ...(webhooks ? { webhooks: { queue: webhooks, tenantId: tenant.id } } : {}),
    });
    this.workflows = new WorkflowService({
      db: database.db,
      schema: tenant.schema,
      model: () => this.model(),
      ...(workflowRuntime ? { runtime: workflowRuntime } : {}),
      tenant: this,
      cursorKey,
      now: () => (opts.clock ?? systemClock).now(),
    });
  }

  /** The compiled model of the latest revision, rebuilt only when the revision changes. */
  async model(): Promise<Model> {
    const now = Date.now();
    if (this.cache && now - this.cache.checkedAt < (this.opts.revisionCheckMs ?? 1000)) return this.cache.model;
    const latest = await this.database.db
      .withSchema(this.tenant.schema)
      .selectFrom('_meta_revision')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const id = (latest?.id as number | undefined) ?? 0;
    if (this.cache && this.cache.model.revision === id) {
      this.cache.checkedAt = now;
      return this.cache.model;
    }
    const app: ResolvedApp = id
      ? (await getRevision(this.database.db, this.tenant.schema, id)).metadata
      : {
          name: 'app',
          version: '0.0.0',
          label: {},
          objects: [],
          forms: [],
          views: [],
          menu: [],
          automations: [],
          recordActions: [],
          workflows: [],
          reports: [],
          dashboards: [],
        };
    this.cache = { model: compileModel(app, id), checkedAt: now };
    return this.cache.model;
  }

  private setModel(m: Model): void {
    this.cache = { model: m, checkedAt: Date.now() };
  }
}

export class SchemaService {
  constructor(
    private readonly database: Database,
    private readonly schemaName: string,
    private readonly onPublish: (m: Model) => void,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** The dry run: the plan in words, destructive steps flagged, type changes checked against data. */
  plan(input: unknown, opts: Pick<PublishOptions, 'acceptRounding'> = {}): Promise<Plan> {
    return planPublish(this.db, this.schemaName, input, opts);
  }

  async publish(input: unknown, opts: PublishOptions = {}) {
    const rev = await publish(this.db, this.schemaName, input, opts);
    this.onPublish(compileModel(rev.metadata, rev.id));
    return rev;
  }

  /** The draft being designed; when there is none, the published metadata. */
  async draft(): Promise<{ metadata: unknown; baseRevision: number; updatedAt: string | null }> {
    const row = await this.db
      .withSchema(this.schemaName)
      .selectFrom('_meta_draft')
      .select(['metadata', 'base_revision', 'updated_at'])
      .where('id', '=', 'main')
      .executeTakeFirst();
    if (row) return { metadata: row.metadata, baseRevision: (row.base_revision as number | null) ?? 0, updatedAt: row.updated_at as string };
    const current = await currentRevision(this.db, this.schemaName);
    return { metadata: current?.metadata ?? { objects: [] }, baseRevision: current?.id ?? 0, updatedAt: null };
  }

  /**
   * Saves the draft as it is, valid or not (designing is work in progress; nothing typed is
   * lost). It is checked when planned or published.
   */
  async saveDraft(metadata: unknown, baseRevision: number | undefined, actor: string | null = null) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
      throw new AppError('METADATA_INVALID', { problems: [{ code: 'METADATA_INVALID', path: '/', message: 'must be an object' }] });
    const base = baseRevision ?? (await currentRevision(this.db, this.schemaName))?.id ?? 0;
    const values = { id: 'main', metadata: JSON.stringify(metadata), base_revision: base, updated_by: actor, updated_at: new Date().toISOString() };
    await this.db
      .withSchema(this.schemaName)
      .insertInto('_meta_draft')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ metadata: values.metadata, base_revision: base, updated_by: actor, updated_at: values.updated_at }))
      .execute();
    return this.draft();
  }

  /** Applies one edit (add/rename/remove an object or field) to the draft and saves it. */
  async editDraft(edit: DraftEdit, actor: string | null = null) {
    const draft = await this.draft();
    const published = (await currentRevision(this.db, this.schemaName))?.metadata;
    return this.saveDraft(applyDraftEdit(draft.metadata, published, edit), draft.baseRevision, actor);
  }

  /** Publishes the saved draft (refused if someone published since it was based), then clears it. */
  async publishDraft(opts: Omit<PublishOptions, 'baseRevision'> = {}) {
    const draft = await this.draft();
    const rev = await this.publish(draft.metadata, { ...opts, baseRevision: draft.baseRevision });
    await this.discardDraft();
    return rev;
  }

  async discardDraft(): Promise<void> {
    await this.db.withSchema(this.schemaName).deleteFrom('_meta_draft').where('id', '=', 'main').execute();
  }

  async current(): Promise<ResolvedApp | undefined> {
    return (await currentRevision(this.db, this.schemaName))?.metadata;
  }

  revisions() {
    return listRevisions(this.db, this.schemaName);
  }

  revision(id: number) {
    return getRevision(this.db, this.schemaName, id);
  }

  diff(fromId: number, toId: number) {
    return diffRevisions(this.db, this.schemaName, fromId, toId);
  }

  async rollback(toId: number, opts: PublishOptions = {}) {
    const rev = await rollback(this.db, this.schemaName, toId, opts);
    this.onPublish(compileModel(rev.metadata, rev.id));
    return rev;
  }

  /** Drops an archived field's column for good. Explicit, separate from publishing. */
  async purgeField(object: string, field: string, opts: PublishOptions = {}) {
    const rev = await purgeField(this.db, this.schemaName, object, field, opts);
    this.onPublish(compileModel(rev.metadata, rev.id));
    return rev;
  }
}

/** A tenant's after-commit automations: their run log, and retrying a failed run. */
export interface TenantAutomations {
  /** Runs of one automation, newest first; page with `before` (the last run id seen). */
  runs(automation: string, opts?: { limit?: number; before?: number }): Promise<AutomationRun[]>;
  /** Re-runs a failed run whose job is dead, from the failed action (done ones are skipped by their keys). */
  retry(automation: string, runId: number): Promise<AutomationRun>;
  /** What an automation (a definition, or a published one by id) would do to a record now, computed without writing or sending anything; the record must be readable with `ctx`. */
  dryRun(input: DryRunInput, ctx?: ActionContext): Promise<DryRunResult>;
}

export class OutboxService {
  constructor(
    private readonly database: Database,
    private readonly schemaName: string,
  ) {}

  claim(consumer: string, worker: string, opts?: ClaimOptions): Promise<OutboxEvent[]> {
    return claimEvents(this.database.db, this.schemaName, consumer, worker, opts);
  }

  ack(consumer: string, worker: string, ids: number[]): Promise<number> {
    return ackEvents(this.database.db, this.schemaName, consumer, worker, ids);
  }
}

export { AppError };
