import { randomUUID } from 'node:crypto';
import { AppError } from '@tangram/errors';
import { evaluate, truthy } from '@tangram/logic';
import type { Transaction } from 'kysely';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import type { Jobs } from '../jobs/jobs';
import type { Job } from '../jobs/types';
import { type RecipientRule, resolveRecipients, tenantAdmins } from '../notifications/recipients';
import type { NotifyInput } from '../notifications/types';
import { compileProcess, type Graph, type Process, type UserTaskNode } from './process';
import {
  type Command,
  type Effect,
  type Instance,
  type InstanceStatus,
  isClosed,
  type StepEnv,
  startInstance,
  step,
  type Task,
  type Timer,
  type Token,
} from './step';

// Process instances as rows (docs/adr/0013-process-interpreter.md): each command is one
// transaction with the instance row locked; the interpreter's result is written back (instance,
// changed tasks, new history), its timers become jobs in the same transaction, and its
// notifications are written in it too. Stale timer jobs (the step moved on) do nothing.

export const timerQueue = 'workflows.timer';

/** What the runtime needs of one tenant. */
export interface WorkflowTenant {
  tenant: { id: string; slug: string; schema: string };
  records: { get(object: string, id: string): Promise<Record<string, unknown>> };
  notifications: { notify(db: Db, input: NotifyInput): Promise<unknown[]> };
}

export interface WorkflowHost {
  db: Db;
  jobs: Jobs;
  tenant(slug: string): Promise<WorkflowTenant>;
}

export interface StartInput {
  process: Process;
  /** The record the instance is about: its object's name and id. */
  object: string;
  recordId: string;
  submitter: string;
}

/** An instance as its readers see it. */
export interface InstanceView {
  id: string;
  process: string;
  object: string;
  recordId: string;
  submitter: string;
  status: InstanceStatus;
  tasks: Task[];
  timers: Timer[];
  history: Instance['history'];
}

interface TimerPayload {
  tenant: string;
  instance: string;
  timer: string;
}

/** The approvers of each approval step (recipient rules: users, a role, a user field, the owner's manager…), resolved against the record. */
async function approversByStep(db: Db, schema: string, g: Graph, record: Record<string, unknown>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const n of g.process.nodes)
    if (n.kind === 'userTask')
      out.set(n.id, await resolveRecipients(db, schema, (Array.isArray(n.approvers) ? n.approvers : []) as RecipientRule[], { record }));
  return out;
}

const notifyTitle: Record<Extract<Effect, { kind: 'notify' }>['what'], string> = {
  task: '有新的审批待处理',
  cc: '抄送给你的审批',
  remind: '审批催办',
  timeout: '审批即将超时',
  outcome: '审批有了结果',
};

export class WorkflowRuntime {
  /** Registers the timer queue's handler on the host's jobs. */
  constructor(private readonly host: WorkflowHost) {
    host.jobs.register<TimerPayload>(timerQueue, (job) => this.fireTimer(job), { batchSize: 20 });
  }

  private async env(te: WorkflowTenant, g: Graph, record: Record<string, unknown>, trx: Db): Promise<StepEnv> {
    const approvers = await approversByStep(trx, te.tenant.schema, g, record);
    const now = this.host.jobs.clock.now();
    return {
      now,
      approvers: (n: UserTaskNode) => approvers.get(n.id) ?? [],
      admins: await tenantAdmins(trx, te.tenant.id),
      holds: (condition) => truthy(evaluate(condition, record, { $now: now.toISOString() })),
    };
  }

  /** Submits a record to a process: the instance's first steps open (or it ends at once). */
  async start(te: WorkflowTenant, input: StartInput): Promise<InstanceView> {
    const g = compileProcess(input.process);
    const record = await te.records.get(input.object, input.recordId);
    const id = randomUUID();
    await this.host.db.transaction().execute(async (trx) => {
      const { instance, effects } = startInstance(g, input.submitter, await this.env(te, g, record, trx));
      const now = this.host.jobs.clock.now();
      try {
        await systemTables(trx, te.tenant.schema)
          .insertInto('_wf_instance')
          .values({
            id,
            process: input.process.id,
            workflow: input.process.id,
            definition: JSON.stringify(input.process),
            object_id: input.object,
            record_id: input.recordId,
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
          throw new AppError('WORKFLOW_NOT_RUNNING', { reason: 'the record is already in this process', record: input.recordId });
        throw e;
      }
      await this.persist(te, trx, id, input.object, input.recordId, emptyInstance(input.submitter), instance, effects);
    });
    return this.get(te, id);
  }

  /** Applies a command (approve, reject, 退回, 加签, 转交, 撤回, 催办, 抄送, comment…) in one transaction with the instance locked. */
  async act(te: WorkflowTenant, instanceId: string, command: Command): Promise<InstanceView> {
    // The record the conditions and approver rules read, as committed (read before the transaction: the record service has its own).
    const seen = /^[0-9a-f-]{36}$/i.test(instanceId)
      ? await systemTables(this.host.db, te.tenant.schema)
          .selectFrom('_wf_instance')
          .select(['object_id', 'record_id'])
          .where('id', '=', instanceId)
          .executeTakeFirst()
      : undefined;
    if (!seen) throw new AppError('WORKFLOW_TASK_NOT_FOUND', { instance: String(instanceId).slice(0, 64) });
    const record = await te.records.get(seen.object_id, seen.record_id);
    await this.host.db.transaction().execute(async (trx) => {
      const row = await this.load(trx, te.tenant.schema, instanceId, true);
      const g = compileProcess(row.definition);
      const { instance, effects } = step(g, row.instance, command, await this.env(te, g, record, trx));
      await this.persist(te, trx, instanceId, row.object, row.recordId, row.instance, instance, effects);
    });
    return this.get(te, instanceId);
  }

  async get(te: WorkflowTenant, instanceId: string): Promise<InstanceView> {
    const row = await this.load(this.host.db, te.tenant.schema, instanceId, false);
    return {
      id: instanceId,
      process: row.process,
      object: row.object,
      recordId: row.recordId,
      submitter: row.instance.submitter,
      status: row.instance.status,
      ...pick(row.instance),
    };
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
    const statuses = box === 'todo' ? ['open'] : ['approved', 'rejected', 'returned', 'transferred'];
    const rows = await t
      .selectFrom('_wf_task')
      .select(['instance_id', 'id', 'node', 'status'])
      .where('assignee', '=', userId)
      .where('status', 'in', statuses)
      .where('auto', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ instance: r.instance_id, task: r.id, node: r.node, status: r.status }));
  }

  private async load(db: Db, schema: string, id: string, lock: boolean) {
    const t = systemTables(db, schema);
    let q = t.selectFrom('_wf_instance').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await q.executeTakeFirst() : undefined;
    if (!row) throw new AppError('WORKFLOW_TASK_NOT_FOUND', { instance: String(id).slice(0, 64) });
    const tasks = await t.selectFrom('_wf_task').selectAll().where('instance_id', '=', id).orderBy('created_at').orderBy('id').execute();
    const history = await t.selectFrom('_wf_history').selectAll().where('instance_id', '=', id).orderBy('n').execute();
    const instance: Instance = {
      status: row.status as InstanceStatus,
      submitter: row.submitter,
      seq: row.seq,
      tokens: row.tokens as Token[],
      timers: row.timers as Timer[],
      tasks: tasks.map((x) => ({
        id: x.id,
        node: x.node,
        ...(x.token ? { token: x.token } : {}),
        assignee: x.assignee,
        status: x.status as Task['status'],
        kind: x.kind as Task['kind'],
        order: x.ord,
        ...(x.extra ? { extra: x.extra as Task['extra'] } : {}),
        ...(x.reopens ? { reopens: x.reopens } : {}),
        ...(x.auto ? { auto: x.auto as Task['auto'] } : {}),
      })),
      history: history.map((h) => ({
        at: new Date(h.at).toISOString(),
        by: h.by,
        what: h.what,
        ...(h.node ? { node: h.node } : {}),
        ...(h.task ? { task: h.task } : {}),
        ...(h.to ? { to: h.to } : {}),
        ...(h.comment ? { comment: h.comment } : {}),
      })),
    };
    return { process: row.process, definition: row.definition as Process, object: row.object_id, recordId: row.record_id, instance };
  }

  /** Writes what the command changed, enqueues its new timers and writes its notifications — all in `trx`. */
  private async persist(
    te: WorkflowTenant,
    trx: Transaction<unknown> | Db,
    id: string,
    object: string,
    recordId: string,
    before: Instance,
    after: Instance,
    effects: Effect[],
  ): Promise<void> {
    const schema = te.tenant.schema;
    const t = systemTables(trx as Db, schema);
    const now = this.host.jobs.clock.now();
    await t
      .updateTable('_wf_instance')
      .set({ status: after.status, seq: after.seq, tokens: JSON.stringify(after.tokens), timers: JSON.stringify(after.timers), updated_at: now })
      .where('id', '=', id)
      .execute();
    const was = new Map(before.tasks.map((x) => [x.id, x]));
    const added = after.tasks.filter((x) => !was.has(x.id));
    if (added.length)
      await t
        .insertInto('_wf_task')
        .values(
          added.map((x) => ({
            instance_id: id,
            id: x.id,
            node: x.node,
            token: x.token ?? null,
            assignee: x.assignee,
            status: x.status,
            kind: x.kind,
            ord: x.order,
            extra: x.extra ?? null,
            reopens: x.reopens ?? null,
            auto: x.auto ?? null,
            created_at: now,
            decided_at: isClosed(x) ? now : null,
          })),
        )
        .execute();
    for (const x of after.tasks) {
      const old = was.get(x.id);
      if (old && (old.status !== x.status || old.auto !== x.auto))
        await t
          .updateTable('_wf_task')
          .set({ status: x.status, auto: x.auto ?? null, decided_at: isClosed(x) ? now : null })
          .where('instance_id', '=', id)
          .where('id', '=', x.id)
          .execute();
    }
    const entries = after.history.slice(before.history.length);
    if (entries.length)
      await t
        .insertInto('_wf_history')
        .values(
          entries.map((h, i) => ({
            instance_id: id,
            n: before.history.length + i,
            at: h.at,
            by: h.by,
            what: h.what,
            node: h.node ?? null,
            task: h.task ?? null,
            to: h.to ?? null,
            comment: h.comment ?? null,
          })),
        )
        .execute();
    const timersBefore = new Set(before.timers.map((x) => x.id));
    const timers = after.timers.filter((x) => !timersBefore.has(x.id));
    if (timers.length)
      await this.host.jobs.enqueueMany(
        trx as Db,
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
      const to = e.to.filter((u) => u);
      if (!to.length) continue;
      await te.notifications.notify(trx as Db, {
        to,
        kind: `workflow.${e.what}`,
        title: e.what === 'outcome' ? `${notifyTitle.outcome}：${statusText[after.status]}` : notifyTitle[e.what],
        link: { object, recordId },
        source: { type: 'workflow', id },
        key: `wf:${id}:${after.seq}:${e.what}:${e.task ?? ''}:${to.join(',')}`.slice(0, 200),
      });
    }
  }

  /** A timer's job: the timer fires, unless the instance moved on (then the job has nothing to do). */
  private async fireTimer(job: Job<TimerPayload>): Promise<{ fired: boolean }> {
    const p = job.payload;
    const te = await this.host.tenant(p.tenant);
    try {
      await this.act(te, p.instance, { kind: 'fireTimer', timer: p.timer });
      return { fired: true };
    } catch (e) {
      if (e instanceof AppError && (e.code === 'WORKFLOW_TASK_NOT_FOUND' || e.code === 'WORKFLOW_NOT_RUNNING')) return { fired: false };
      throw e;
    }
  }
}

const statusText: Record<InstanceStatus, string> = { running: '审批中', returned: '已退回', approved: '已通过', rejected: '已拒绝', withdrawn: '已撤回' };

const emptyInstance = (submitter: string): Instance => ({ status: 'running', submitter, seq: 0, tokens: [], tasks: [], timers: [], history: [] });

const pick = (m: Instance) => ({ tasks: m.tasks, timers: m.timers, history: m.history });
