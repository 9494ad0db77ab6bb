import { AppError, type ErrorCode } from '@tangram/errors';
import type { LocaleText, Workflow } from '@tangram/metadata';
import type { ActionContext } from '../access/context';
import { assertInScope } from '../access/enforce';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import { systemTables } from '../db/tables';
import { type Model, type ObjectModel, objectIn } from '../model/compile';
import { type InboxBox, inboxCounts, inboxPage } from './inbox';
import { fromView, isUuid, readInstance, type StoredInstance } from './instances';
import { compileProcess } from './process';
import type { InstanceView, WorkflowRuntime, WorkflowTenant } from './runtime';
import type { Command, Instance } from './step';
import {
  type ApprovalInstance,
  type InboxItem,
  type InstanceSummary,
  canFor,
  fieldShown,
  hiddenByStep,
  nodeName,
  readTitles,
  titleFieldOf,
  titlesAndNamesOf,
  titlesAndNamesQuery,
  type TitleOrNameRow,
} from './views';

// The approval API of one tenant (docs/adr/0013-process-interpreter.md; HTTP routes in
// apps/server/src/routes/approvals.ts): submitting a record, reading an instance, acting on it,
// the inbox. Rights are checked here on every path: submitting needs the update right on the
// record; an instance is seen by whoever reads its record, has or had a task in it, submitted it
// or was copied on it — to anyone else it does not exist. Record values leave only where the
// caller may read them: their role's field rights, less the fields their step hides.

export type ActionKind = 'approve' | 'reject' | 'return' | 'addSigner' | 'transfer' | 'withdraw' | 'resubmit' | 'remind' | 'cc' | 'comment';
export const actionKinds: readonly ActionKind[] = ['approve', 'reject', 'return', 'addSigner', 'transfer', 'withdraw', 'resubmit', 'remind', 'cc', 'comment'];

export interface ActionInput {
  kind: ActionKind;
  task?: string;
  comment?: string;
  /** 退回: the node to go back to; 转交: the member to hand the task to. */
  to?: string;
  signer?: string;
  position?: 'before' | 'after';
  users?: string[];
  values?: Record<string, unknown>;
  /** approve: the next step's approvers when this approver chooses them. */
  next?: string[];
  /** Files (uploaded by the caller) attached to the action's history entry. */
  files?: string[];
}

export interface SubmitInput {
  workflow: string;
  comment?: string;
  /** The first step's approvers when the submitter chooses them (发起人自选). */
  next?: string[];
  /** Files (uploaded by the caller) attached to the submission. */
  files?: string[];
}

export interface BulkInput {
  kind: 'approve' | 'reject';
  items: { instance: string; task: string }[];
  comment?: string;
}

export type BulkResult =
  | { instance: string; task: string; ok: true }
  | { instance: string; task: string; ok: false; error: { code: ErrorCode; message: string } };

export interface WorkflowServiceDeps {
  db: Db;
  schema: string;
  model(): Promise<Model>;
  /** The engine's runtime (absent for a tenant opened without an Engine: then nothing can be submitted). */
  runtime?: WorkflowRuntime;
  /** This tenant as the runtime sees it. */
  tenant: WorkflowTenant;
  cursorKey: Buffer;
  now(): Date;
  /** The published workflows (default: the model's); tests pass processes built by hand. */
  workflows?(): Promise<Workflow[]>;
}

const maxBulk = 100;

/** A problem at a path of the request, with the code and message of the refusal. */
function at(path: string, e: AppError): AppError {
  if (Array.isArray(e.details.problems)) return e;
  return new AppError(e.code, { ...e.details, problems: [{ code: e.code, path, message: e.message }] }, e.message);
}

/** The path of the request a workflow refusal is about. */
function pathOf(code: ErrorCode, kind: ActionKind): string {
  if (code === 'WORKFLOW_TASK_NOT_FOUND' || code === 'WORKFLOW_TASK_CLOSED') return '/task';
  if (code === 'WORKFLOW_NOT_ASSIGNEE') return ['approve', 'reject', 'return', 'addSigner', 'transfer', 'resubmit'].includes(kind) ? '/task' : '/kind';
  if (code === 'WORKFLOW_RETURN_INVALID') return '/to';
  if (code === 'WORKFLOW_SIGNER_INVALID') return kind === 'transfer' ? '/to' : '/signer';
  if (code === 'WORKFLOW_NEXT_REQUIRED') return '/next';
  return '/kind';
}

const invalid = (path: string, message: string) => AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path, message }]);
const notFound = () => at('/id', new AppError('WORKFLOW_INSTANCE_NOT_FOUND'));

export class WorkflowService {
  constructor(private readonly deps: WorkflowServiceDeps) {}

  private async workflowList(): Promise<Workflow[]> {
    return this.deps.workflows ? this.deps.workflows() : ((await this.deps.model()).app.workflows ?? []);
  }

  private async label(name: string): Promise<LocaleText> {
    return (await this.workflowList()).find((w) => w.name === name)?.label ?? { en: name, 'zh-CN': name };
  }

  private async objectOf(object: string): Promise<{ model: Model; om: ObjectModel }> {
    const model = await this.deps.model();
    const om = objectIn(model, object);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: String(object).slice(0, 100) });
    return { model, om };
  }

  private runtime(): WorkflowRuntime {
    if (!this.deps.runtime) throw new AppError('WORKFLOW_NOT_FOUND', { reason: 'no workflow runtime in this process' });
    return this.deps.runtime;
  }

  private me(ctx: ActionContext): string {
    if (!ctx.actor) throw new AppError('UNAUTHENTICATED', {});
    return ctx.actor;
  }

  /** Enabled workflows on objects the caller can read. */
  async list(ctx: ActionContext = {}): Promise<{ name: string; label: LocaleText; object: string; start: { button: boolean } }[]> {
    const model = await this.deps.model();
    const out = [];
    for (const w of await this.workflowList()) {
      const om = model.byId.get(w.object) ?? model.byName.get(w.object);
      if (!w.enabled || !om) continue;
      if (ctx.access?.object(om).scope('read').none) continue;
      out.push({ name: w.name, label: w.label, object: om.name, start: { button: w.start.button } });
    }
    return out;
  }

  /** 提交审批: starts `workflow` on the record; the caller must be able to update it. */
  async submit(object: string, id: string, body: SubmitInput, ctx: ActionContext = {}): Promise<ApprovalInstance> {
    const me = this.me(ctx);
    const { om } = await this.objectOf(object);
    if (!isUuid(id)) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id: String(id).slice(0, 64) });
    const oa = ctx.access?.object(om);
    if (oa) await assertInScope(this.deps.db, this.deps.schema, oa, id, 'update');
    const w = (await this.workflowList()).find((x) => x.name === body.workflow && (x.object === om.id || x.object === om.name));
    if (!w) throw at('/workflow', new AppError('WORKFLOW_NOT_FOUND', { workflow: String(body.workflow).slice(0, 100), object: om.name }));
    if (!w.enabled) throw at('/workflow', new AppError('WORKFLOW_DISABLED', { workflow: w.name }));
    let view: { id: string };
    try {
      view = await this.runtime().start(this.deps.tenant, {
        workflow: w,
        recordId: id,
        submitter: me,
        ...(body.comment ? { comment: body.comment } : {}),
        ...(body.next ? { next: body.next } : {}),
        ...(body.files ? { files: body.files } : {}),
      });
    } catch (e) {
      if (e instanceof AppError && e.code.startsWith('WORKFLOW_')) throw at('/workflow', e);
      throw e;
    }
    return this.get(view.id, ctx);
  }

  /** The approvals of a record, newest first (the caller reads the record). */
  async forRecord(object: string, id: string, ctx: ActionContext = {}): Promise<InstanceSummary[]> {
    const { om } = await this.objectOf(object);
    if (!isUuid(id)) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id: String(id).slice(0, 64) });
    const oa = ctx.access?.object(om);
    if (oa) await assertInScope(this.deps.db, this.deps.schema, oa, id, 'read');
    const rows = await systemTables(this.deps.db, this.deps.schema)
      .selectFrom('_wf_instance')
      .select('id')
      .where('record_id', '=', id)
      .where('object_id', 'in', [om.name, om.id])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const out: InstanceSummary[] = [];
    for (const r of rows) {
      const stored = await readInstance(this.deps.db, this.deps.schema, r.id);
      if (!stored) continue;
      const { bpmn: _b, tasks: _t, history: _h, ...summary } = await this.present(stored, ctx, true);
      out.push(summary);
    }
    return out;
  }

  /** An instance as the caller may see it; reading it marks the caller's copy (抄送) read. */
  async get(id: string, ctx: ActionContext = {}): Promise<ApprovalInstance> {
    const stored = await this.visible(id, ctx);
    if (ctx.actor)
      await systemTables(this.deps.db, this.deps.schema)
        .updateTable('_wf_cc')
        .set({ read_at: this.deps.now() })
        .where('instance_id', '=', stored.id)
        .where('user_id', '=', ctx.actor)
        .where('read_at', 'is', null)
        .execute();
    return this.present(stored, ctx);
  }

  /** The instance if the caller may see it; otherwise it does not exist for them. */
  private async visible(id: string, ctx: ActionContext, history = true): Promise<StoredInstance> {
    const stored = await readInstance(this.deps.db, this.deps.schema, id, { history });
    if (!stored) throw notFound();
    await this.mustSee(stored, ctx, this.deps.db, await this.deps.model());
    return stored;
  }

  /**
   * Throws the instance's not-found unless the caller may see it (read through `db`; inside a
   * transaction on PGlite nothing else may be read, the model included).
   */
  private async mustSee(stored: StoredInstance, ctx: ActionContext, db: Db, model: Model): Promise<void> {
    if (!ctx.access) return;
    const me = ctx.actor;
    if (me && (stored.instance.submitter === me || stored.instance.tasks.some((t) => t.assignee === me))) return;
    if (me) {
      const cc = await systemTables(db, this.deps.schema)
        .selectFrom('_wf_cc')
        .select('user_id')
        .where('instance_id', '=', stored.id)
        .where('user_id', '=', me)
        .executeTakeFirst();
      if (cc) return;
    }
    const om = objectIn(model, stored.object);
    if (om) {
      const found = await readTitles(db, this.deps.schema, om, ctx.access.object(om), [stored.recordId]);
      if (found.get(stored.recordId)?.readable) return;
    }
    throw notFound();
  }

  /**
   * What the answer shows of the record and of people: the record's title where the caller may
   * read it (and no step of theirs hides it), and the names of those the instance names.
   */
  private answerQuery(model: Model, s: Pick<StoredInstance, 'object' | 'recordId' | 'definition'>, m: Instance, ctx: ActionContext, summaryOnly: boolean) {
    const om = objectIn(model, s.object);
    const me = ctx.actor ?? null;
    const oa = om ? ctx.access?.object(om) : undefined;
    const titleName = om ? titleFieldOf(om) : undefined;
    const hidden = hiddenByStep(s.definition, me ? m.tasks.filter((t) => t.assignee === me).map((t) => t.node) : []);
    return titlesAndNamesQuery(
      this.deps.schema,
      om && titleName && fieldShown(oa, titleName, hidden) ? { om, oa, id: s.recordId } : undefined,
      summaryOnly ? [m.submitter] : [m.submitter, ...m.tasks.map((t) => t.assignee), ...m.history.map((h) => h.by)],
    );
  }

  /** The API's view of an instance for the caller (`answer`: the rows of its answerQuery, read already). */
  private async present(s: StoredInstance, ctx: ActionContext, summaryOnly = false, answer?: readonly unknown[]): Promise<ApprovalInstance> {
    const model = await this.deps.model();
    const om = objectIn(model, s.object);
    const m = s.instance;
    const me = ctx.actor ?? null;
    const g = compileProcess(s.definition);
    const oa = om ? ctx.access?.object(om) : undefined;
    // The record's title (where the caller may read it) and the names shown, in one statement.
    const { title, user } = titlesAndNamesOf(
      (answer as TitleOrNameRow[] | undefined) ?? (await this.answerQuery(model, s, m, ctx, summaryOnly).execute(this.deps.db)).rows,
    );
    const recordTitle = title?.title ?? null;
    const currentNodes = [
      ...new Set([...m.tasks.filter((t) => t.status === 'open' && t.kind === 'approve').map((t) => t.node), ...m.timers.map((x) => x.node)]),
    ];
    const none = {
      approve: false,
      reject: false,
      return: false,
      returnTo: [],
      addSigner: false,
      transfer: false,
      withdraw: false,
      resubmit: false,
      remind: false,
      cc: false,
      comment: false,
      editable: [],
    };
    const summary: InstanceSummary = {
      id: s.id,
      workflow: s.workflow,
      label: await this.label(s.workflow),
      object: om?.name ?? s.object,
      recordId: s.recordId,
      recordTitle,
      submitter: user(m.submitter),
      status: m.status,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      current: currentNodes.map((node) => ({ node, name: nodeName(s.definition, node) })),
      can: om ? canFor(g, m, me, om, oa, this.deps.now()) : none,
    };
    if (!summaryOnly && me && summary.can.approve && summary.can.myTask && this.deps.runtime) {
      const choice = await this.deps.runtime.needsChoice(this.deps.tenant, s.id, summary.can.myTask, me);
      if (choice) summary.can.chooseNext = { node: choice.node, name: choice.name ?? choice.node };
    }
    if (summaryOnly) return { ...summary, bpmn: '', tasks: [], history: [] };
    const bpmn = s.bpmn ?? (await this.workflowList()).find((w) => w.name === s.workflow)?.bpmn ?? '';
    return {
      ...summary,
      bpmn,
      tasks: m.tasks.map((t) => ({
        id: t.id,
        node: t.node,
        nodeName: nodeName(s.definition, t.node),
        assignee: user(t.assignee),
        status: t.status,
        kind: t.kind,
        order: t.order,
        createdAt: s.taskTimes.get(t.id)?.createdAt ?? s.createdAt,
        decidedAt: s.taskTimes.get(t.id)?.decidedAt ?? null,
      })),
      history: m.history.map((h) => ({
        at: h.at,
        by: h.by ? user(h.by) : null,
        what: h.what,
        ...(h.node ? { node: h.node, nodeName: nodeName(s.definition, h.node) } : {}),
        ...(h.task ? { task: h.task } : {}),
        ...(h.to ? { to: h.to } : {}),
        ...(h.comment ? { comment: h.comment } : {}),
        ...(h.files ? { files: h.files } : {}),
      })),
    };
  }

  /** Active members among `ids` (the others are not in this tenant, or left). */
  private async members(ids: string[], db: Db): Promise<Set<string>> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return new Set();
    const rows = await systemTables(db, this.deps.schema)
      .selectFrom('_user')
      .select('id')
      .where('id', '=', anyUuid(valid))
      .where('active', '=', true)
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  /** The interpreter's command for an action of the caller, its input checked (each problem at its path). */
  private async command(s: StoredInstance, body: ActionInput, me: string, ctx: ActionContext, db: Db, model: Model): Promise<Command> {
    const kind = body.kind;
    if (!actionKinds.includes(kind)) throw invalid('/kind', `one of ${actionKinds.join(', ')}`);
    const comment = typeof body.comment === 'string' && body.comment ? { comment: body.comment } : {};
    const m = s.instance;
    const openOf = (k: 'approve' | 'resubmit') => m.tasks.find((t) => t.assignee === me && t.status === 'open' && t.kind === k)?.id;
    const task = () => {
      const id = body.task ?? openOf(kind === 'resubmit' ? 'resubmit' : 'approve');
      if (typeof id !== 'string' || !id) throw at('/task', new AppError('WORKFLOW_TASK_NOT_FOUND', {}));
      return id;
    };
    const member = async (path: string, id: unknown) => {
      if (typeof id !== 'string' || !(await this.members([id], db)).has(id))
        throw at(path, new AppError('WORKFLOW_SIGNER_INVALID', { reason: 'not a member of this tenant' }));
      return id;
    };
    if (body.values !== undefined && kind !== 'approve') throw invalid('/values', 'values are written only with approve');
    if (body.next !== undefined && kind !== 'approve') throw invalid('/next', 'the next approvers are chosen only with approve');
    switch (kind) {
      case 'approve':
        this.checkValues(s, body.values, me, task(), ctx, model);
        return { kind, task: task(), by: me, ...comment, ...(body.next !== undefined ? { next: body.next } : {}) };
      case 'reject':
        return { kind, task: task(), by: me, ...comment };
      case 'return':
        if (typeof body.to !== 'string' || !body.to) throw invalid('/to', 'the step to go back to');
        return { kind, task: task(), by: me, to: body.to, ...comment };
      case 'addSigner':
        if (body.position !== 'before' && body.position !== 'after') throw invalid('/position', 'before or after');
        return { kind, task: task(), by: me, signer: await member('/signer', body.signer), position: body.position, ...comment };
      case 'transfer':
        return { kind, task: task(), by: me, to: await member('/to', body.to), ...comment };
      case 'resubmit':
        return { kind, task: task(), by: me, ...comment };
      case 'withdraw':
        return { kind, by: me, ...comment };
      case 'remind':
        return { kind, by: me };
      case 'cc': {
        const users = Array.isArray(body.users) ? body.users : [];
        if (!users.length) throw invalid('/users', 'at least one member');
        const found = await this.members(
          users.filter((u): u is string => typeof u === 'string'),
          db,
        );
        const problems = users.flatMap((u, i) =>
          found.has(u) ? [] : [{ code: 'VALIDATION_FAILED' as const, path: `/users/${i}`, message: 'not a member of this tenant' }],
        );
        if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
        return { kind, by: me, users: [...new Set(users)] };
      }
      case 'comment':
        if (!comment.comment) throw invalid('/comment', 'the comment text');
        return { kind, by: me, text: comment.comment };
    }
  }

  /** `values` sent with approve: only fields the caller's open step lets them edit. */
  private checkValues(s: StoredInstance, values: unknown, me: string, taskId: string, ctx: ActionContext, model: Model): void {
    if (values === undefined) return;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw invalid('/values', 'an object of field values');
    const om = objectIn(model, s.object);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: s.object });
    const can = canFor(compileProcess(s.definition), s.instance, me, om, ctx.access?.object(om), this.deps.now());
    if (can.myTask !== taskId) return;
    const problems = Object.keys(values).flatMap((f) =>
      can.editable.includes(f) ? [] : [{ code: 'FIELD_FORBIDDEN' as const, path: `/values/${f}`, field: f, message: `this step does not let you edit "${f}"` }],
    );
    if (problems.length) throw AppError.problems('FIELD_FORBIDDEN', problems);
  }

  /** One action on an instance by the caller (approve, reject, 退回, 加签, 转交, 撤回, resubmit, 催办, 抄送, comment); the instance after it. */
  async act(id: string, body: ActionInput, ctx: ActionContext = {}): Promise<ApprovalInstance> {
    const view = await this.apply(id, body, ctx);
    return this.present(fromView(view), ctx, false, view.answer);
  }

  /**
   * Checks and applies an action in one transaction: the instance is locked, the caller's right
   * to see it and the action's input are checked against it as locked, then the command runs.
   * The runtime's view of the instance after it.
   */
  private async apply(id: string, body: ActionInput, ctx: ActionContext): Promise<InstanceView> {
    const me = this.me(ctx);
    if (!isUuid(id)) throw notFound();
    // Read before the transaction: on PGlite nothing but the transaction may be read inside it.
    const model = await this.deps.model();
    /** An error of the checks, passed through the runtime as it is. */
    class Checked {
      constructor(readonly error: unknown) {}
    }
    try {
      return await this.runtime().act(
        this.deps.tenant,
        id,
        async (s, db) => {
          try {
            await this.mustSee(s, ctx, db, model);
            const command = await this.command(s, body, me, ctx, db, model);
            return {
              ...command,
              ...(body.values !== undefined ? { values: body.values } : {}),
              ...(body.files !== undefined ? { files: body.files } : {}),
              answer: (after: Instance) => this.answerQuery(model, s, after, ctx, false),
            };
          } catch (e) {
            throw new Checked(e);
          }
        },
        me,
      );
    } catch (e) {
      if (e instanceof Checked) throw e.error;
      if (e instanceof AppError && e.code === 'WORKFLOW_INSTANCE_NOT_FOUND') throw notFound();
      if (e instanceof AppError && e.code.startsWith('WORKFLOW_')) throw at(pathOf(e.code, body.kind), e);
      throw e;
    }
  }

  /** Approves or rejects several tasks, each checked as a single action would be; one failing does not stop the others. */
  async bulk(body: BulkInput, ctx: ActionContext = {}): Promise<BulkResult[]> {
    this.me(ctx);
    if (body.kind !== 'approve' && body.kind !== 'reject') throw invalid('/kind', 'approve or reject');
    if (!Array.isArray(body.items) || !body.items.length || body.items.length > maxBulk) throw invalid('/items', `1 to ${maxBulk} items`);
    const out: BulkResult[] = [];
    for (const it of body.items) {
      const ref = { instance: String(it?.instance ?? ''), task: String(it?.task ?? '') };
      try {
        await this.apply(ref.instance, { kind: body.kind, task: ref.task, ...(body.comment ? { comment: body.comment } : {}) }, ctx);
        out.push({ ...ref, ok: true });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        out.push({ ...ref, ok: false, error: { code: e.code, message: e.message } });
      }
    }
    return out;
  }

  /** A page of the caller's 待办 / 已办 / 我发起的 / 抄送我. */
  inbox(box: InboxBox, opts: { limit?: number; cursor?: string }, ctx: ActionContext = {}): Promise<{ items: InboxItem[]; nextCursor?: string }> {
    return inboxPage(
      { db: this.deps.db, schema: this.deps.schema, cursorKey: this.deps.cursorKey, model: () => this.deps.model(), label: (w) => this.label(w) },
      this.me(ctx),
      ctx.access,
      box,
      opts,
    );
  }

  /** The counts the shell shows: open tasks, unread copies. */
  counts(ctx: ActionContext = {}): Promise<{ todo: number; cc: number }> {
    return inboxCounts(this.deps.db, this.deps.schema, this.me(ctx));
  }
}
