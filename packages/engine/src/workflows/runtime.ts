import { randomUUID } from 'node:crypto';
import { AppError } from '@tangram/errors';
import { evaluate, truthy } from '@tangram/logic';
import { type Automation, type AutomationAction, serviceTaskActionKinds, type Workflow } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';
import type { ActionContext } from '../access/context';
import { type RecordWriter, runRecordAction } from '../automations/actions';
import { recipientsOf } from '../automations/notify';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import type { Jobs } from '../jobs/jobs';
import type { Job } from '../jobs/types';
import { type Model, type ObjectModel, objectIn } from '../model/compile';
import { resolveRecipients, tenantAdmins } from '../notifications/recipients';
import type { NotifyInput } from '../notifications/types';
import type { RecordActionWebhooks } from '../record-actions/webhooks';
import { runAfterCommit } from '../records/behaviours';
import { createOne, updateOne } from '../records/pipeline';
import type { RecordService } from '../records/service';
import { rowToRecord } from '../records/row';
import type { Tx } from '../records/tx';
import { chosenFor, isChosen, resolveApprovers } from './approvers';
import { readInstance, type StoredInstance } from './instances';
import { fieldName } from './lock';
import { titleFieldOf } from './views';
import { compileProcess, type Graph, type Process, type ServiceTaskNode, type UserTaskNode } from './process';
import {
  type Command,
  type Effect,
  type HistoryEntry,
  type Instance,
  type InstanceStatus,
  isClosed,
  type StepEnv,
  startInstance,
  step,
  type Task,
  type Timer,
} from './step';

// Process instances as rows (docs/adr/0013-process-interpreter.md and its addendum): each command
// is one transaction with the instance row and then the record row locked; the interpreter's
// result is written back (instance, changed tasks, new history, 抄送 rows), its timers become jobs
// in the same transaction, its notifications are written in it, and its record effects — the
// status field, a service task's actions, the fields an approver edits with a decision — go
// through the record pipeline in it (one write path: audit, events, automations). Stale timer
// jobs (the step moved on) do nothing. Approvers are resolved lazily: only the steps a command
// opens.

export const timerQueue = 'workflows.timer';

/** What the runtime needs of one tenant (a TenantEngine). */
export interface WorkflowTenant {
  tenant: { id: string; slug: string; schema: string };
  records: Pick<RecordService, 'within'>;
  notifications: { notify(db: Db, input: NotifyInput): Promise<unknown[]> };
  model(): Promise<Model>;
}

export interface WorkflowHost {
  db: Db;
  jobs: Jobs;
  tenant(slug: string): Promise<WorkflowTenant>;
  /** The tenant already open in this process whose schema this is (a record write's behaviour starts instances through it). */
  tenantOfSchema?(schema: string): WorkflowTenant | undefined;
  /** Service tasks' webhook actions: queued in the command's transaction, sent once it commits. */
  webhooks?: RecordActionWebhooks;
}

export interface StartInput {
  /** A published workflow (model.app.workflows) or its name. */
  workflow: Workflow | string;
  /** The record's object, by name: a workflow of another object is not found. */
  object?: string;
  recordId: string;
  submitter: string;
  comment?: string;
  /** The first step's approvers when its rule is `chosen` (发起人自选). */
  next?: string[];
  /** Files (`_file` ids, uploaded by the submitter) attached to the submission. */
  files?: string[];
}

/** A command with what the host adds: files attached, and field values the approver edits with it. */
/**
 * A command built inside its transaction from the instance as locked there (the caller's checks
 * read what the command will act on, in one transaction, with `db` the transaction).
 */
export type PrepareCommand = (locked: StoredInstance, db: Db) => Promise<ActInput>;

export type ActInput = Command & {
  /** Files (`_file` ids, uploaded by the person acting) attached to the command's history entry. */
  files?: string[];
  /** Record fields the acting approver's open step marks `edit`, written in the command's transaction before it applies. */
  values?: Record<string, unknown>;
  /**
   * A query for the caller's answer (titles and names), given the instance after the command: run
   * as the last part of the statement that persists it, its rows come back with the view.
   */
  answer?: (after: Instance) => RawBuilder<unknown> | undefined;
};

export interface TaskView extends Task {
  createdAt: string;
  decidedAt: string | null;
}

/** An instance as its readers see it. */
export interface InstanceView {
  /** The rows of the command's `answer` query, when it ran with the command. */
  answer?: unknown[];
  id: string;
  workflow: string;
  process: string;
  object: string;
  recordId: string;
  submitter: string;
  status: InstanceStatus;
  /** The record's field the process sets, and its values by instance status. */
  statusField: string | null;
  statusValues: Record<string, string> | null;
  /** The diagram of the version it runs (null when started from a process without one). */
  bpmn: string | null;
  /** The process it runs (the version it started on). */
  definition: Process;
  createdAt: string;
  updatedAt: string;
  tasks: TaskView[];
  timers: Timer[];
  history: HistoryEntry[];
}

interface TimerPayload {
  tenant: string;
  instance: string;
  timer: string;
}

const notifyTitle: Record<Extract<Effect, { kind: 'notify' }>['what'], string> = {
  task: '有新的审批待处理',
  cc: '抄送给你的审批',
  remind: '审批催办',
  timeout: '审批即将超时',
  outcome: '审批有了结果',
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thrown inside a step run when it needs a step's approvers (or the admins) not yet resolved: resolved, then the step runs again. */
/** What an instance's notifications name: the record's title and the workflow's label. */
interface About {
  record: string | null;
  workflow: string;
}

const aboutOf = (om: ObjectModel, record: Record<string, unknown>, wf: Pick<Workflow, 'name' | 'label'> | undefined, name: string): About => {
  const titleName = titleFieldOf(om);
  const title = titleName ? record[titleName] : undefined;
  return { record: title === undefined || title === null || title === '' ? null : String(title).slice(0, 200), workflow: localTitle(wf?.label) ?? name };
};

class Need {
  constructor(readonly node?: UserTaskNode) {}
}

/** The interpreter reached a service task whose actions have not run in this command: run them, then the command again. */
class RunActions {
  constructor(
    readonly node: string,
    readonly index: number,
  ) {}
}

/** The instance row as loaded. */
/** An instance as stored (its row locked by a command). */
type Loaded = StoredInstance;

/** What one command writes with: the pipeline inside the command's transaction, as the process. */
interface Scope {
  te: WorkflowTenant;
  w: RecordWriter;
  om: ObjectModel;
  now: Date;
}

export class WorkflowRuntime {
  /** Registers the timer queue's handler on the host's jobs. */
  constructor(private readonly host: WorkflowHost) {
    host.jobs.register<TimerPayload>(timerQueue, (job) => this.fireTimer(job), { batchSize: 20 });
  }

  /** The published workflow of that name (or the one given), enabled. */
  private workflowOf(model: Model, ref: Workflow | string): Workflow {
    if (typeof ref !== 'string') return ref;
    const wf = (model.app.workflows ?? []).find((x) => x.name === ref);
    if (!wf) throw new AppError('WORKFLOW_NOT_FOUND', { workflow: String(ref).slice(0, 100) });
    return wf;
  }

  /**
   * Runs `fn` in one transaction through the record pipeline as the process (ctx.workflow set
   * once the instance is known), then the pipeline's after-commit hooks.
   */
  private async transact<T>(
    te: WorkflowTenant,
    model: Model,
    actor: string | null,
    fn: (s: Scope, setInstance: (id: string, record: string) => void) => Promise<T>,
  ): Promise<T> {
    const now = this.host.jobs.clock.now();
    let hooks: (() => Promise<void>)[] = [];
    const ctx: ActionContext = { actor };
    const result = await this.host.db.transaction().execute(async (trx) => {
      const done = await te.records.within(
        trx,
        ctx,
        async (w) => {
          const scope: Scope = { te, w, om: undefined as unknown as ObjectModel, now };
          return fn(scope, (instance, record) => {
            ctx.workflow = { instance, record };
          });
        },
        { now, model },
      );
      hooks = done.afterCommit;
      return done.result;
    });
    if (hooks.length) await runAfterCommit(hooks);
    this.host.webhooks?.wake();
    return result;
  }

  /** Submits a record to a workflow: the instance's first steps open (or it ends at once); its status field is set. */
  async start(te: WorkflowTenant, input: StartInput): Promise<InstanceView> {
    const model = await te.model();
    const wf = this.workflowOf(model, input.workflow);
    if (!wf.enabled) throw new AppError('WORKFLOW_DISABLED', { workflow: wf.name });
    const om = model.byId.get(wf.object) ?? model.byName.get(wf.object);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: wf.object });
    if (input.object !== undefined && input.object !== om.name)
      throw new AppError('WORKFLOW_NOT_FOUND', { workflow: wf.name, object: String(input.object).slice(0, 100) });
    if (typeof input.recordId !== 'string' || !uuid.test(input.recordId))
      throw new AppError('RECORD_NOT_FOUND', { object: om.name, id: String(input.recordId).slice(0, 64) });
    const id = randomUUID();
    await this.transact(te, model, input.submitter, async (s, setInstance) => {
      setInstance(id, input.recordId.toLowerCase());
      await this.startIn({ ...s, om }, wf, id, input);
    });
    return this.get(te, id);
  }

  /**
   * Starts an instance inside a record write's transaction (start.onCreate / start.when): the
   * writes are made through the same pipeline transaction, as the process.
   */
  async startWithin(tx: Tx, wf: Workflow, om: ObjectModel, recordId: string, submitter: string): Promise<string | undefined> {
    const te = this.host.tenantOfSchema?.(tx.schema);
    if (!te) return undefined;
    const id = randomUUID();
    const sub: Tx = { ...tx, ctx: { actor: submitter, workflow: { instance: id, record: recordId } } };
    const w: RecordWriter = {
      model: tx.model,
      tx: sub,
      create: (object, input) => createOne(sub, { om: objectOf(tx.model, object), input }),
      update: (object, rid, input) => updateOne(sub, { om: objectOf(tx.model, object), id: rid, input }),
    };
    await this.startIn({ te, w, om, now: tx.now }, wf, id, { workflow: wf, recordId, submitter });
    return id;
  }

  private async startIn(s: Scope, wf: Workflow, id: string, input: StartInput): Promise<void> {
    const { w, om, now } = s;
    const trx = w.tx.trx;
    const schema = w.tx.schema;
    if (typeof input.submitter !== 'string' || !uuid.test(input.submitter)) throw new AppError('WORKFLOW_NO_SUBMITTER', {});
    const g = compileProcess(wf.process);
    const recordId = input.recordId.toLowerCase();
    const { record } = await lockRecord(trx, schema, om, recordId);
    await checkMembers(trx, schema, input.next, '/next');
    await checkFiles(trx, schema, input.files, input.submitter);
    const row = { id, workflow: wf.name, statusField: wf.statusField ?? null, statusValues: wf.statusValues ?? null, definition: wf.process, recordId };
    const { instance, effects } = await this.decide(
      s,
      g,
      record,
      input.submitter,
      'start',
      input.next,
      (env) => startInstance(g, input.submitter, env),
      (node, index) => this.serviceTask(s, row, node, input.submitter, 0, index),
    );
    if (input.comment !== undefined && (typeof input.comment !== 'string' || input.comment.length > 4000))
      throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path: '/comment', message: 'a text of at most 4000 characters' }]);
    if (input.comment && instance.history[0]) instance.history[0].comment = input.comment;
    try {
      await systemTables(trx, schema)
        .insertInto('_wf_instance')
        .values({
          id,
          process: wf.process.id,
          workflow: wf.name,
          bpmn: wf.bpmn ?? null,
          status_field: wf.statusField ?? null,
          status_values: wf.statusValues ? JSON.stringify(wf.statusValues) : null,
          definition: JSON.stringify(wf.process),
          object_id: om.name,
          record_id: recordId,
          submitter: input.submitter,
          status: instance.status,
          seq: instance.seq,
          tokens: JSON.stringify(instance.tokens),
          timers: JSON.stringify(instance.timers),
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (e) {
      if ((e as { code?: string }).code === '23505')
        throw new AppError('WORKFLOW_NOT_RUNNING', { reason: 'the record is already in this process', record: recordId });
      throw e;
    }
    await this.persist(s, row, emptyInstance(input.submitter), instance, effects, input.submitter, input.files, aboutOf(om, record, wf, wf.name));
  }

  /** Applies a command (approve, reject, 退回, 加签, 转交, 撤回, 催办, 抄送, comment…) in one transaction with the instance and its record locked. */
  async act(te: WorkflowTenant, instanceId: string, input: ActInput | PrepareCommand, actor?: string | null): Promise<InstanceView> {
    if (typeof instanceId !== 'string' || !uuid.test(instanceId))
      throw new AppError('WORKFLOW_INSTANCE_NOT_FOUND', { instance: String(instanceId).slice(0, 64) });
    const model = await te.model();
    const by = actor !== undefined ? actor : typeof input === 'function' ? null : 'by' in input ? input.by : null;
    // The answer is built from what the transaction holds (the row it locked and the command's result), not read again.
    const after = await this.transact(te, model, by, async (s, setInstance) => {
      const trx = s.w.tx.trx;
      const schema = s.w.tx.schema;
      const row = await this.load(trx, schema, instanceId, true);
      const command = typeof input === 'function' ? await input(row, trx) : input;
      if (('by' in command ? command.by : null) !== by) throw new Error('a command acts as the actor its transaction runs as');
      const om = objectIn(model, row.object);
      if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: row.object });
      setInstance(row.id, row.recordId);
      const scope = { ...s, om };
      const locked = await lockRecord(trx, schema, om, row.recordId);
      let record = locked.record;
      if (command.kind === 'approve') await checkMembers(trx, schema, command.next, '/next');
      if (command.kind === 'cc') await checkMembers(trx, schema, command.users, '/users', true);
      if (command.kind === 'addSigner') await checkMembers(trx, schema, [command.signer], '/signer', true, true);
      if (command.kind === 'transfer') await checkMembers(trx, schema, [command.to], '/to', true, true);
      checkText(command);
      if (by) await checkFiles(trx, schema, command.files, by);
      if (command.values !== undefined) record = await this.editValues(scope, row, command, locked);
      const g = compileProcess(row.definition);
      const next = command.kind === 'approve' ? command.next : undefined;
      const { instance, effects } = await this.decide(
        scope,
        g,
        record,
        row.instance.submitter,
        command.kind,
        next,
        (env) => step(g, row.instance, command, env),
        (node, index) => this.serviceTask(scope, row, node, row.instance.submitter, row.instance.seq, index),
      );
      const wf = (model.app.workflows ?? []).find((x) => x.name === row.workflow);
      const answer = await this.persist(scope, row, row.instance, instance, effects, by, command.files, aboutOf(om, record, wf, row.workflow), command.answer);
      return { ...afterCommand(row, instance, scope.now), answer };
    });
    return { ...viewOf(after), ...(after.answer ? { answer: after.answer } : {}) };
  }

  /**
   * Whether approving `task` now would open a step whose approvers are `chosen` with no earlier
   * choice (then approve needs `next`): that step, or null. Read only (nothing is written or
   * locked); the answer may change if the record changes before the approval.
   */
  async needsChoice(te: WorkflowTenant, instanceId: string, task: string, by: string): Promise<{ node: string; name?: string } | null> {
    if (typeof instanceId !== 'string' || !uuid.test(instanceId))
      throw new AppError('WORKFLOW_INSTANCE_NOT_FOUND', { instance: String(instanceId).slice(0, 64) });
    const model = await te.model();
    const db = this.host.db;
    const schema = te.tenant.schema;
    const row = await this.load(db, schema, instanceId, false);
    const om = objectIn(model, row.object);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: row.object });
    const rows = await sql<Record<string, unknown>>`select ${sql.join(om.selectColumns.map((c) => sql.ref(c)))} from ${sql.id(schema, om.table)}
      where id = ${row.recordId}`.execute(db);
    const record = rows.rows[0] ? (rowToRecord(om, rows.rows[0]) as Record<string, unknown>) : {};
    const tx = { trx: db, schema, model } as unknown as Tx;
    const scope: Scope = { te, w: { model, tx } as RecordWriter, om, now: this.host.jobs.clock.now() };
    const g = compileProcess(row.definition);
    try {
      await this.decide(scope, g, record, row.instance.submitter, 'approve', undefined, (env) => step(g, row.instance, { kind: 'approve', task, by }, env));
      return null;
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'WORKFLOW_NEXT_REQUIRED') throw e;
      const node = ((e.details.problems as { node?: string }[] | undefined)?.[0]?.node ?? '') as string;
      const n = row.definition.nodes.find((x) => x.id === node);
      return { node, ...(n?.name ? { name: n.name } : {}) };
    }
  }

  /** The fields an approver edits with a decision: only those their open step marks `edit` (WORKFLOW_RECORD_LOCKED otherwise), written as the process. */
  private async editValues(s: Scope, row: Loaded, command: ActInput, locked: LockedRecord): Promise<Record<string, unknown>> {
    const values = command.values;
    const record = locked.record;
    if (!values || typeof values !== 'object' || Array.isArray(values))
      throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path: '/values', message: 'an object of field values' }]);
    if (!Object.keys(values).length) return record;
    const by = 'by' in command ? command.by : undefined;
    const taskId = 'task' in command ? command.task : undefined;
    const task = row.instance.tasks.find((t) => t.id === taskId && t.assignee === by && t.status === 'open' && t.kind === 'approve');
    const n = task && row.definition.nodes.find((x) => x.id === task.node);
    const editable = new Set(
      Object.entries((n?.kind === 'userTask' ? n.fields : undefined) ?? {})
        .filter(([, a]) => a === 'edit')
        .map(([f]) => fieldName(s.om, f) ?? f),
    );
    const refused = Object.keys(values).find((f) => !editable.has(f));
    if (refused !== undefined)
      throw AppError.problems('WORKFLOW_RECORD_LOCKED', [
        { code: 'WORKFLOW_RECORD_LOCKED', field: refused, path: `/values/${refused}`, message: `this step does not let its approver edit "${refused}"` },
      ]);
    // Written through the pipeline with the row this command locked (nothing wrote it since): not read again.
    const updated = await updateOne(s.w.tx, { om: s.om, id: row.recordId, input: values, locked: locked.row });
    return { ...record, ...updated };
  }

  /**
   * Runs the interpreter with approvers resolved lazily: when it asks for a step's approvers (or
   * the admins) not yet known, they are resolved and it runs again from the same input (it is
   * pure: the same path is taken up to there).
   */
  private async decide<R>(
    s: Scope,
    g: Graph,
    record: Record<string, unknown>,
    submitter: string,
    kind: Command['kind'] | 'start',
    next: string[] | undefined,
    run: (env: StepEnv) => R,
    service?: (node: string, index: number) => Promise<Record<string, unknown>>,
  ): Promise<R> {
    const trx = s.w.tx.trx;
    const schema = s.w.tx.schema;
    const known = new Map<string, string[]>();
    let admins: string[] | undefined;
    const vars = { $now: s.now.toISOString() };
    const byPerson = kind === 'approve' || kind === 'start';
    // The record as the service tasks run so far left it; the conditions answered so far, in the
    // order asked: a run again from the same input takes the same way up to where it stopped, and
    // only the conditions after it read the record as it is now.
    let current = record;
    const answers: boolean[] = [];
    let ran = 0;
    for (let needs = 0; ; ) {
      let asked = 0;
      const env: StepEnv = {
        now: s.now,
        get admins(): readonly string[] {
          if (!admins) throw new Need();
          return admins;
        },
        approvers: (n, m) => {
          const resolved = known.get(n.id);
          if (!resolved) throw new Need(n);
          if (!isChosen(n)) return resolved;
          const chosen = chosenFor(n, m, next);
          if (!chosen.length && !resolved.length && byPerson)
            throw AppError.problems('WORKFLOW_NEXT_REQUIRED', [
              { code: 'WORKFLOW_NEXT_REQUIRED', path: '/next', message: `choose the approvers of "${n.name ?? n.id}"`, node: n.id },
            ]);
          return [...resolved, ...chosen];
        },
        holds: (condition) => {
          const i = asked++;
          if (i < answers.length) return answers[i] as boolean;
          const answer = truthy(evaluate(condition, current, vars));
          answers.push(answer);
          return answer;
        },
        ...(service
          ? {
              serviceTask: (node: string, index: number) => {
                if (index >= ran) throw new RunActions(node, index);
              },
            }
          : {}),
      };
      try {
        return run(env);
      } catch (e) {
        if (e instanceof RunActions && service) {
          current = await service(e.node, e.index);
          ran++;
          continue;
        }
        if (!(e instanceof Need) || ++needs > g.process.nodes.length + 2) throw e;
        if (e.node) known.set(e.node.id, await resolveApprovers(e.node, { db: trx, schema, om: s.om, record: current, submitter }));
        else admins = await tenantAdmins(trx, s.te.tenant.id);
      }
    }
  }

  async get(te: WorkflowTenant, instanceId: string): Promise<InstanceView> {
    if (typeof instanceId !== 'string' || !uuid.test(instanceId))
      throw new AppError('WORKFLOW_INSTANCE_NOT_FOUND', { instance: String(instanceId).slice(0, 64) });
    return viewOf(await this.load(this.host.db, te.tenant.schema, instanceId, false));
  }

  /** 待办 (open tasks), 已办 (tasks decided) of a member, or 我发起的 (instances submitted), newest first. */
  async inbox(
    te: WorkflowTenant,
    userId: string,
    box: 'todo' | 'done' | 'mine',
    limit = 50,
  ): Promise<{ instance: string; task?: string; node?: string; status: string }[]> {
    const t = systemTables(this.host.db, te.tenant.schema);
    if (box === 'mine') {
      const rows = await t
        .selectFrom('_wf_instance')
        .select(['id', 'status'])
        .where('submitter', '=', userId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ instance: r.id, status: r.status }));
    }
    let q = t.selectFrom('_wf_task').select(['instance_id', 'id', 'node', 'status']).where('assignee', '=', userId).where('auto', 'is', null);
    q =
      box === 'todo'
        ? q.where('status', '=', 'open').orderBy('created_at', 'desc')
        : q.where('decided_at', 'is not', null).where('status', 'in', ['approved', 'rejected', 'returned', 'transferred']).orderBy('decided_at', 'desc');
    const rows = await q.limit(limit).execute();
    return rows.map((r) => ({ instance: r.instance_id, task: r.id, node: r.node, status: r.status }));
  }

  private async load(db: Db, schema: string, id: string, lock: boolean): Promise<Loaded> {
    const row = await readInstance(db, schema, id, { lock });
    if (!row) throw new AppError('WORKFLOW_INSTANCE_NOT_FOUND', { instance: String(id).slice(0, 64) });
    return row;
  }

  /**
   * Writes what the command changed (instance, tasks, history, 抄送 rows), enqueues its new
   * timers, writes its notifications, runs its service tasks' actions and sets the record's
   * status field — all in the command's transaction.
   */
  private async persist(
    s: Scope,
    row: Pick<Loaded, 'id' | 'workflow' | 'statusField' | 'statusValues' | 'definition' | 'recordId'>,
    before: Instance,
    after: Instance,
    effects: Effect[],
    by: string | null,
    files: string[] | undefined,
    about: About,
    answer?: ActInput['answer'],
  ): Promise<unknown[] | undefined> {
    const { te, w, om, now } = s;
    const trx = w.tx.trx;
    const schema = w.tx.schema;
    const id = row.id;
    const table = (name: string) => sql.id(schema, name);
    const was = new Map(before.tasks.map((x) => [x.id, x]));
    const added = after.tasks.filter((x) => !was.has(x.id));
    const changed = after.tasks.filter((x) => {
      const old = was.get(x.id);
      return old && (old.status !== x.status || old.auto !== x.auto);
    });
    const entries = after.history.slice(before.history.length);
    // The files go with the first entry the person acting wrote.
    if (files?.length) {
      const first = entries.find((h) => h.by === by);
      if (first) first.files = [...new Set(files.map((f) => f.toLowerCase()))];
    }
    // The instance, its new and changed tasks and its new history entries in one statement (each
    // part a data-modifying CTE; the new tasks and the changed ones are different rows).
    const parts = [
      sql`i as (update ${table('_wf_instance')} set status = ${after.status}, seq = ${after.seq}, tokens = ${JSON.stringify(after.tokens)}::jsonb,
        timers = ${JSON.stringify(after.timers)}::jsonb, updated_at = ${now} where id = ${id})`,
    ];
    const column = <T>(list: T[], f: (x: T) => unknown) => list.map((x) => f(x) ?? null);
    if (added.length)
      parts.push(sql`nt as (insert into ${table('_wf_task')} (instance_id, id, node, token, assignee, status, kind, ord, extra, reopens, auto, created_at, decided_at)
        select ${id}::uuid, v.* from unnest(${column(added, (x) => x.id)}::text[], ${column(added, (x) => x.node)}::text[], ${column(added, (x) => x.token)}::text[],
          ${column(added, (x) => x.assignee)}::uuid[], ${column(added, (x) => x.status)}::text[], ${column(added, (x) => x.kind)}::text[],
          ${column(added, (x) => x.order)}::int[], ${column(added, (x) => x.extra)}::text[], ${column(added, (x) => x.reopens)}::text[],
          ${column(added, (x) => x.auto)}::text[], ${column(added, () => now)}::timestamptz[], ${column(added, (x) => (isClosed(x) ? now : null))}::timestamptz[]) as v)`);
    if (changed.length)
      parts.push(sql`ut as (update ${table('_wf_task')} t set status = v.status, auto = v.auto, decided_at = v.decided_at
        from unnest(${column(changed, (x) => x.id)}::text[], ${column(changed, (x) => x.status)}::text[], ${column(changed, (x) => x.auto)}::text[],
          ${column(changed, (x) => (isClosed(x) ? now : null))}::timestamptz[]) as v(id, status, auto, decided_at)
        where t.instance_id = ${id} and t.id = v.id)`);
    if (entries.length)
      parts.push(sql`h as (insert into ${table('_wf_history')} (instance_id, n, "at", "by", what, node, task, "to", comment, files)
        select ${id}::uuid, v.* from unnest(${entries.map((_, i) => before.history.length + i)}::int[], ${column(entries, (h) => h.at)}::timestamptz[],
          ${column(entries, (h) => h.by)}::uuid[], ${column(entries, (h) => h.what)}::text[], ${column(entries, (h) => h.node)}::text[],
          ${column(entries, (h) => h.task)}::text[], ${column(entries, (h) => h.to)}::text[], ${column(entries, (h) => h.comment)}::text[],
          ${column(entries, (h) => (h.files ? JSON.stringify(h.files) : null))}::jsonb[]) as v)`);
    // The record's status field: the value of the last status the command reached (written below).
    const status = effects.filter((e): e is Extract<Effect, { kind: 'status' }> => e.kind === 'status').at(-1);
    const field = fieldName(om, row.statusField ?? undefined);
    const value = status && row.statusValues?.[status.status];
    const writesStatus = !!field && value !== undefined;
    // The caller's answer, read by the same statement (it reads none of the tables written here);
    // not when the status is written after it (who may read the record can depend on it).
    const query = writesStatus ? undefined : answer?.(after);
    const { rows } = await sql`with ${sql.join(parts)} ${query ?? sql`select 1`}`.execute(trx);
    const timersBefore = new Set(before.timers.map((x) => x.id));
    const timers = after.timers.filter((x) => !timersBefore.has(x.id));
    if (timers.length)
      await this.host.jobs.enqueueMany(
        trx,
        timers.map((x) => ({
          queue: timerQueue,
          tenantId: te.tenant.id,
          runAt: new Date(x.due),
          key: `wf:${te.tenant.id}:${id}:${x.id}`,
          payload: { tenant: te.tenant.slug, instance: id, timer: x.id } satisfies TimerPayload,
        })),
      );
    for (const e of effects) {
      if (e.kind !== 'notify') continue;
      const to = [...new Set(e.to.filter((u) => u))];
      if (!to.length) continue;
      if (e.what === 'cc')
        await sql`insert into ${sql.id(schema, '_wf_cc')} (instance_id, user_id, by, created_at, read_at)
          select ${id}::uuid, u, ${by}::uuid, ${now}::timestamptz, null from unnest(${to}::uuid[]) as u
          on conflict (instance_id, user_id) do update set created_at = excluded.created_at, by = excluded.by, read_at = null`.execute(trx);
      // What it is about, for a notification read away from the app (e-mail): the record, the workflow, the step.
      const step = e.node ? (row.definition.nodes.find((n) => n.id === e.node)?.name ?? e.node) : undefined;
      const body = [about.record ? `「${about.record}」` : undefined, `${about.workflow}${step ? `（${step}）` : ''}`].filter(Boolean).join(' · ');
      await te.notifications.notify(trx, {
        to,
        kind: `workflow.${e.what}`,
        title: e.what === 'outcome' ? `${notifyTitle.outcome}：${statusText[after.status]}` : notifyTitle[e.what],
        body,
        link: { object: om.name, recordId: row.recordId },
        source: { type: 'workflow', id },
        key: `wf:${id}:${after.seq}:${e.what}:${e.task ?? ''}:${to.join(',')}`.slice(0, 200),
      });
    }
    if (writesStatus) await w.update(om.name, row.recordId, { [field]: value });
    return query ? rows : undefined;
  }

  /** A service task's actions (the automation action library), on the instance's record, as the process, in the command's transaction. */
  /**
   * A service task's actions (the automation action library), on the instance's record, as the
   * process, in the command's transaction, when the interpreter reaches it (the `index`-th the
   * command reached, on an instance at `seq`); the record as they left it.
   */
  private async serviceTask(
    s: Scope,
    row: Pick<Loaded, 'id' | 'workflow' | 'recordId' | 'definition'>,
    nodeId: string,
    submitter: string,
    seq: number,
    index: number,
  ): Promise<Record<string, unknown>> {
    const { w, om, te } = s;
    // Keys: once per instance version, service task reached and action.
    const key = (action: string) => `wf:${row.id}:${seq}:${nodeId}:${index}:${action}`;
    const node = row.definition.nodes.find((n): n is ServiceTaskNode => n.id === nodeId && n.kind === 'serviceTask');
    const { record } = await lockRecord(w.tx.trx, w.tx.schema, om, row.recordId);
    const automation = { id: `wf:${row.workflow}:${nodeId}`, name: row.workflow } as unknown as Automation;
    const vars = { $now: s.now.toISOString(), $user: { id: submitter } };
    for (const [i, raw] of (node?.actions ?? []).entries()) {
      const action = normalizeAction(w.model, om, raw as AutomationAction, `${nodeId}-${i}`);
      const trigger = { automation, om, recordId: row.recordId, record, vars };
      if (action.kind === 'notify') {
        const to = await recipientsOf(w.tx.trx, w.tx.schema, om, action.to ?? [], record);
        if (to.length)
          await te.notifications.notify(w.tx.trx, {
            to,
            kind: `workflow.${row.workflow}`.slice(0, 100),
            title: localTitle(action.title) ?? row.workflow,
            body: localTitle(action.body) ?? null,
            link: { object: om.name, recordId: row.recordId },
            source: { type: 'workflow', id: row.id },
            key: key(action.id).slice(0, 200),
          });
      } else if (action.kind === 'webhook' || action.kind === 'robot') {
        // Sent after the command commits, by a job (a group robot: its message, `{field}` filled from the record).
        if (!this.host.webhooks) throw new AppError('OUTBOUND_UNREACHABLE', { node: nodeId }, 'webhooks need the engine’s jobs');
        await this.host.webhooks.enqueue(w.tx.trx, te.tenant.id, {
          tenant: te.tenant.id,
          url: action.url as string,
          ...(action.secretRef ? { secretRef: action.secretRef } : {}),
          ...(action.kind === 'robot' ? { robot: { provider: String(action.provider), message: action.message } } : {}),
          key: key(action.id),
          body: { action: row.workflow, step: nodeId, object: om.name, recordId: row.recordId, record, created: {}, input: {} },
        });
      } else if (serviceTaskActionKinds.includes(action.kind)) await runRecordAction(action, trigger, w);
      else throw new AppError('WORKFLOW_INVALID', { node: nodeId, reason: `a service task cannot run "${String(action.kind).slice(0, 40)}" actions` });
    }
    return (await lockRecord(w.tx.trx, w.tx.schema, om, row.recordId)).record;
  }

  /** A timer's job: the timer fires, unless the instance moved on (then the job has nothing to do). */
  private async fireTimer(job: Job<TimerPayload>): Promise<{ fired: boolean }> {
    const p = job.payload;
    const te = await this.host.tenant(p.tenant);
    try {
      await this.act(te, p.instance, { kind: 'fireTimer', timer: p.timer });
      return { fired: true };
    } catch (e) {
      if (e instanceof AppError && ['WORKFLOW_TIMER_NOT_FOUND', 'WORKFLOW_INSTANCE_NOT_FOUND', 'WORKFLOW_NOT_RUNNING'].includes(e.code))
        return { fired: false };
      throw e;
    }
  }
}

const localTitle = (m: unknown): string | undefined => {
  if (typeof m === 'string') return m;
  if (m && typeof m === 'object') {
    const t = m as Record<string, string>;
    return t['zh-CN'] ?? t.en ?? Object.values(t)[0];
  }
  return undefined;
};

/** A service task's action as the diagram holds it (fields and objects by name or id) in the library's form (ids). */
function normalizeAction(model: Model, om: ObjectModel, a: AutomationAction, id: string): AutomationAction {
  const target =
    a.kind === 'createRecord'
      ? (model.byName.get(a.object as string) ?? model.byId.get(a.object as string))
      : a.target?.kind === 'self' || !a.target
        ? om
        : undefined;
  const values = a.values?.map((v) => {
    const f = target ? (target.byName.get(v.field) ?? target.byColumn.get(v.field)) : undefined;
    return f ? { ...v, field: f.column } : v;
  });
  return { ...a, id: a.id ?? id, ...(values ? { values } : {}), ...(a.kind === 'createRecord' && target ? { object: target.id } : {}) };
}

function objectOf(model: Model, name: string): ObjectModel {
  const om = model.byName.get(name);
  if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: String(name).slice(0, 100) });
  return om;
}

/** The record as it is now, locked for the command's transaction (a live record: a deleted one is not in approval). */
/** The instance's record locked for the command: its row as read (for the pipeline) and as a record. */
interface LockedRecord {
  row: Record<string, unknown>;
  record: Record<string, unknown>;
}

async function lockRecord(trx: Db, schema: string, om: ObjectModel, id: string): Promise<LockedRecord> {
  const rows = await sql<Record<string, unknown>>`select ${sql.join(om.selectColumns.map((c) => sql.ref(c)))} from ${sql.id(schema, om.table)}
    where id = ${id} and deleted_at is null for update`.execute(trx);
  const row = rows.rows[0];
  if (!row) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id });
  return { row, record: rowToRecord(om, row) as Record<string, unknown> };
}

/** `next`, cc users, a signer, a transfer's recipient must be active members of the tenant. */
async function checkMembers(trx: Db, schema: string, ids: unknown, path: string, required = false, one = false): Promise<void> {
  if (ids === undefined && !required) return;
  const bad = (message: string, at = path) => AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path: at, message }]);
  if (!Array.isArray(ids) || ids.length > 50 || (required && !ids.length) || ids.some((x) => typeof x !== 'string' || !uuid.test(x)))
    throw bad(one ? 'a member id' : 'a list of at most 50 member ids');
  const found = new Set(await resolveRecipients(trx, schema, [{ type: 'users', ids: ids as string[] }]));
  const missing = (ids as string[]).findIndex((x) => !found.has(x.toLowerCase()));
  if (missing >= 0) throw bad('not an active member', one ? path : `${path}/${missing}`);
}

/** Comments are at most 4000 characters. */
function checkText(c: ActInput): void {
  const text = c.kind === 'comment' ? c.text : 'comment' in c ? c.comment : undefined;
  const path = c.kind === 'comment' ? '/text' : '/comment';
  if (text === undefined && c.kind !== 'comment') return;
  if (typeof text !== 'string' || text.length > 4000 || (c.kind === 'comment' && !text.trim()))
    throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path, message: 'a text of at most 4000 characters' }]);
}

/** Files attached must exist and be uploaded by the person attaching them. */
async function checkFiles(trx: Db, schema: string, files: unknown, by: string): Promise<void> {
  if (files === undefined) return;
  const bad = (path: string, message: string) => AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path, message }]);
  if (!Array.isArray(files) || files.length > 20 || files.some((x) => typeof x !== 'string' || !uuid.test(x)))
    throw bad('/files', 'a list of at most 20 file ids');
  if (!files.length) return;
  const rows = await systemTables(trx, schema)
    .selectFrom('_file')
    .select(['id', 'created_by'])
    .where('id', 'in', files as string[])
    .execute();
  const mine = new Set(rows.filter((r) => r.created_by === by).map((r) => r.id));
  const i = (files as string[]).findIndex((f) => !mine.has(f.toLowerCase()));
  if (i >= 0) throw bad(`/files/${i}`, 'no such file of yours');
}

const statusText: Record<InstanceStatus, string> = { running: '审批中', returned: '已退回', approved: '已通过', rejected: '已拒绝', withdrawn: '已撤回' };

const emptyInstance = (submitter: string): Instance => ({ status: 'running', submitter, seq: 0, tokens: [], tasks: [], timers: [], history: [] });

/** An instance as its readers see it. */
function viewOf(row: Loaded): InstanceView {
  return {
    id: row.id,
    workflow: row.workflow,
    process: row.process,
    object: row.object,
    recordId: row.recordId,
    submitter: row.instance.submitter,
    statusField: row.statusField,
    statusValues: row.statusValues,
    status: row.instance.status,
    bpmn: row.bpmn,
    definition: row.definition,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    tasks: row.instance.tasks.map((t) => ({
      ...t,
      createdAt: row.taskTimes.get(t.id)?.createdAt ?? row.createdAt,
      decidedAt: row.taskTimes.get(t.id)?.decidedAt ?? null,
    })),
    timers: row.instance.timers,
    history: row.instance.history,
  };
}

/** The row as `persist` leaves it after a command at `now`: the new instance, its tasks' times (new ones created now; a changed status decided now, or reopened). */
function afterCommand(row: Loaded, after: Instance, now: Date): Loaded {
  const at = now.toISOString();
  const before = new Map(row.instance.tasks.map((t) => [t.id, t]));
  const taskTimes = new Map(row.taskTimes);
  for (const t of after.tasks) {
    const old = before.get(t.id);
    if (!old) taskTimes.set(t.id, { createdAt: at, decidedAt: isClosed(t) ? at : null });
    else if (old.status !== t.status || old.auto !== t.auto)
      taskTimes.set(t.id, { createdAt: taskTimes.get(t.id)?.createdAt ?? row.createdAt, decidedAt: isClosed(t) ? at : null });
  }
  return { ...row, instance: after, updatedAt: at, taskTimes };
}
