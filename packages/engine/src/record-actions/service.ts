import { randomUUID } from 'node:crypto';
import { AppError } from '@tangram/errors';
import { evaluate } from '@tangram/logic';
import type { LocaleText, RecordAction, RecordActionInputField } from '@tangram/metadata';
import { sql } from 'kysely';
import type { ActionContext } from '../access/context';
import { assertInScope } from '../access/enforce';
import { claimEffect, effectResult, setEffectResult } from '../automations/runs';
import type { NotificationSender } from '../automations/notify';
import type { Db } from '../db/database';
import type { Model, ObjectModel } from '../model/compile';
import { rowToRecord } from '../records/row';
import { runAfterCommit } from '../records/behaviours';
import type { RecordService } from '../records/service';
import { checkInput } from './input';
import type { RecordActionWebhooks, WebhookPayload } from './webhooks';
import { type CreatedRecord, runSteps } from './steps';

// Record actions (buttons, docs/guides/record-actions.md): which ones a member sees on a record,
// and running one — its steps in one transaction through the record pipeline, as the member.

/** A record action as its button shows it. */
export interface RecordActionView {
  name: string;
  label: LocaleText;
  description?: LocaleText;
  confirm?: LocaleText;
  input: RecordActionInputField[];
}

/** What running a record action did. */
export interface RecordActionResult {
  action: string;
  object: string;
  id: string;
  created: CreatedRecord[];
  updated: { step: string; object: string; id: string }[];
  notified: number;
  /** Steps skipped by their `when`. */
  skipped: string[];
  /** Webhook steps queued, sent once the transaction committed. */
  queued: string[];
  /** An earlier request with the same Idempotency-Key ran it; this is its result. */
  replayed?: true;
}

export interface RecordActionDeps {
  db: Db;
  schema: string;
  records: RecordService;
  model(): Promise<Model>;
  notifications: NotificationSender;
  now?: () => Date;
  /** The engine's webhook queue (webhook steps), with the tenant's id. */
  webhooks?: { queue: RecordActionWebhooks; tenantId: string };
}

const truthy = (v: unknown) => !(v === false || v === null || v === undefined || v === 0 || v === '' || (Array.isArray(v) && v.length === 0));

export class RecordActionService {
  constructor(private readonly deps: RecordActionDeps) {}

  private async object(object: string): Promise<{ model: Model; om: ObjectModel }> {
    const model = await this.deps.model();
    const om = model.byName.get(object);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: String(object).slice(0, 100) });
    return { model, om };
  }

  /** Whether the member holds one of the action's roles (tenant admins and the platform always do). */
  private roleAllows(a: RecordAction, ctx: ActionContext): boolean {
    if (!a.roles || !ctx.access) return true;
    return ctx.access.viewer.roles.some((r) => a.roles?.includes(r.name));
  }

  private holds(a: RecordAction, record: Record<string, unknown>, actor: string | null, now: Date): boolean {
    return a.condition === undefined || truthy(evaluate(a.condition, record, { $user: { id: actor }, $now: now.toISOString() }));
  }

  /** Whether the member may edit the record (record actions need edit access); false also when they cannot read it. */
  private async mayEdit(db: Db, om: ObjectModel, id: string, ctx: ActionContext): Promise<boolean> {
    const oa = ctx.access?.object(om);
    if (!oa) return true;
    try {
      await assertInScope(db, this.deps.schema, oa, id, 'update');
      return true;
    } catch (e) {
      if (e instanceof AppError && e.code === 'FORBIDDEN') return false;
      throw e;
    }
  }

  /** The actions the member may run on the record now: their role, edit access, and the action's condition. */
  async available(object: string, id: string, ctx: ActionContext = {}): Promise<RecordActionView[]> {
    const { model, om } = await this.object(object);
    await this.deps.records.get(object, id, {}, ctx);
    const actions = model.app.recordActions.filter((a) => a.object === om.id && this.roleAllows(a, ctx));
    if (!actions.length || !(await this.mayEdit(this.deps.db, om, id, ctx))) return [];
    const record = await this.deps.records.get(object, id);
    const now = this.now();
    return actions.filter((a) => this.holds(a, record, ctx.actor ?? null, now)).map(viewOf);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Runs one action on a record: every step in one transaction, as the member (their rights
   * apply to each write), each write's history saying `via: { action }`. With an idempotency
   * key, a repeat answers the first run's result.
   */
  async run(
    object: string,
    id: string,
    name: string,
    body: { input?: unknown },
    ctx: ActionContext = {},
    opts: { idempotencyKey?: string } = {},
  ): Promise<RecordActionResult> {
    const { model, om } = await this.object(object);
    const a = model.app.recordActions.find((x) => x.object === om.id && (x.name === name || x.id === name));
    if (!a) throw new AppError('RECORD_ACTION_NOT_FOUND', { object: om.name, action: String(name).slice(0, 100) });
    if (!this.roleAllows(a, ctx)) throw new AppError('RECORD_ACTION_FORBIDDEN', { action: a.name, reason: 'role', roles: a.roles });
    const input = checkInput(a.input, body?.input);
    const rid = await this.recordId(object, id, ctx);
    const now = this.now();
    const { db, schema } = this.deps;
    const key = opts.idempotencyKey === undefined ? undefined : `record-action:${ctx.actor ?? 'system'}:${opts.idempotencyKey}`;
    let hooks: (() => Promise<void>)[] = [];
    const result = await db.transaction().execute(async (trx) => {
      if (key && !(await claimEffect(trx, schema, key, now))) return replay(await effectResult(trx, schema, key), a, om, rid);
      const { result: outcome, afterCommit } = await this.deps.records.within(
        trx,
        { ...ctx, recordAction: a.id },
        async (w) => {
          const record = await this.lockRecord(trx, om, rid);
          if (!(await this.mayEdit(trx, om, rid, ctx))) throw new AppError('RECORD_ACTION_FORBIDDEN', { action: a.name, reason: 'edit access to the record' });
          if (!this.holds(a, record, ctx.actor ?? null, now)) throw new AppError('RECORD_ACTION_NOT_APPLICABLE', { action: a.name, object: om.name, id: rid });
          const runKey = `record-action:${a.id}:${rid}:${randomUUID()}`;
          const webhooks = this.deps.webhooks;
          const queueWebhook = webhooks && ((db: Db, p: WebhookPayload) => webhooks.queue.enqueue(db, webhooks.tenantId, { ...p, tenant: webhooks.tenantId }));
          return runSteps(
            {
              action: a,
              om,
              recordId: rid,
              record,
              input,
              actor: ctx.actor ?? null,
              now,
              notifications: this.deps.notifications,
              runKey,
              ...(queueWebhook ? { queueWebhook } : {}),
            },
            w,
          );
        },
        { now, model },
      );
      hooks = afterCommit;
      const out: RecordActionResult = { action: a.name, object: om.name, id: rid, ...outcome };
      if (key) await setEffectResult(trx, schema, key, out);
      return out;
    });
    await runAfterCommit(hooks);
    if (result.queued.length && !result.replayed) this.deps.webhooks?.queue.wake();
    return result;
  }

  /** The record's id, once the member is known to be able to read it (404 otherwise, as a read would answer). */
  private async recordId(object: string, id: string, ctx: ActionContext): Promise<string> {
    const record = await this.deps.records.get(object, id, {}, ctx);
    return record.id as string;
  }

  /** The record as it is now, locked: a second run of the action waits, then sees what the first changed. */
  private async lockRecord(trx: Db, om: ObjectModel, id: string): Promise<Record<string, unknown>> {
    const rows = await sql<Record<string, unknown>>`select ${sql.join(om.selectColumns.map((c) => sql.ref(c)))} from ${sql.id(this.deps.schema, om.table)}
      where id = ${id} and deleted_at is null for update`.execute(trx);
    const row = rows.rows[0];
    if (!row) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id });
    return rowToRecord(om, row) as Record<string, unknown>;
  }
}

function viewOf(a: RecordAction): RecordActionView {
  return {
    name: a.name,
    label: a.label,
    ...(a.description ? { description: a.description } : {}),
    ...(a.confirm ? { confirm: a.confirm } : {}),
    input: a.input,
  };
}

/** The first run's result under a reused Idempotency-Key — refused when the key was used for another action or record. */
function replay(stored: { result: unknown } | undefined, a: RecordAction, om: ObjectModel, id: string): RecordActionResult {
  const first = stored?.result as RecordActionResult | null | undefined;
  if (!first || first.action !== a.name || first.object !== om.name || first.id !== id)
    throw new AppError('RECORD_ACTION_KEY_REUSED', { action: a.name, id, first: first ? { action: first.action, object: first.object, id: first.id } : null });
  return { ...first, replayed: true };
}
