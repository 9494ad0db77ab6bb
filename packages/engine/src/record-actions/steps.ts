import { AppError } from '@tangram/errors';
import { type RuleVariables, evaluate } from '@tangram/logic';
import type { Automation, AutomationAction, RecordAction, RecordActionStep } from '@tangram/metadata';
import { type Expression, type SqlBool, sql } from 'kysely';
import { type RecordWriter, type Trigger, localText, runRecordAction, values } from '../automations/actions';
import { type NotificationSender, recipientsOf } from '../automations/notify';
import type { ObjectModel } from '../model/compile';
import { duplicateKey, duplicateKeySql } from '../schema/duplicate-key';
import type { WebhookPayload } from './webhooks';

// The steps of a record action, run in order inside its one transaction through the record
// pipeline. Each createRecord step may reuse an existing record (查重) and names its record for
// the steps after it (`$created.<as>`).

/** A record a step created, or found and reused. */
export interface CreatedRecord {
  step: string;
  as?: string;
  object: string;
  id: string;
  reused: boolean;
}

/** What the steps did. */
export interface StepsOutcome {
  created: CreatedRecord[];
  updated: { step: string; object: string; id: string }[];
  notified: number;
  skipped: string[];
  /** Webhook steps queued: sent once the action's transaction commits. */
  queued: string[];
}

/** Everything the steps read: the record (as locked at the start), the input, the records created so far. */
export interface StepContext {
  action: RecordAction;
  om: ObjectModel;
  recordId: string;
  record: Record<string, unknown>;
  input: Record<string, unknown>;
  actor: string | null;
  now: Date;
  notifications: NotificationSender;
  /** Unique per run: the notifications' and webhooks' idempotency keys. */
  runKey: string;
  /** Queues a webhook step's call in the action's transaction (absent: the tenant has no job engine, the step fails). */
  queueWebhook?: (trx: RecordWriter['tx']['trx'], payload: WebhookPayload) => Promise<void>;
}

const truthy = (v: unknown) => !(v === false || v === null || v === undefined || v === 0 || v === '' || (Array.isArray(v) && v.length === 0));

function objectById(w: RecordWriter, id: string): ObjectModel {
  const om = w.model.byId.get(id);
  if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: id });
  return om;
}

/**
 * The oldest live record of `target` the writer may read that the step's duplicate rules (or
 * `match` fields) find for `set`. The duplicate rules' advisory locks are taken first, as a
 * write checking them does, so two conversions of one company cannot both create it.
 */
async function findExisting(w: RecordWriter, target: ObjectModel, step: RecordActionStep, set: Record<string, unknown>): Promise<string | undefined> {
  const { tx } = w;
  const probes: Expression<SqlBool>[] = [];
  for (const ruleId of step.dedupe ?? []) {
    const rule = target.def.duplicateRules.find((r) => r.id === ruleId);
    const field = rule && target.fields.find((f) => f.column === rule.field);
    const key = rule && field ? duplicateKey(set[field.name], rule.match) : null;
    if (!rule || !field || key === null) continue;
    await sql`select pg_advisory_xact_lock(hashtext(${`${tx.schema}.${target.table}.${rule.id}`}::text), hashtext(${key}::text))`.execute(tx.trx);
    probes.push(sql<SqlBool>`${duplicateKeySql(`r.${field.column}`, rule.match)} = ${key}`);
  }
  if (step.match?.length) {
    const fields = step.match.map((id) => target.fields.find((f) => f.column === id || f.field.id === id));
    const equal = fields.map((f) =>
      f && set[f.name] !== undefined && set[f.name] !== null ? sql<SqlBool>`${sql.ref(`r.${f.column}`)} = ${set[f.name]}` : null,
    );
    if (equal.every((e) => e !== null)) probes.push(sql<SqlBool>`(${sql.join(equal as Expression<SqlBool>[], sql` and `)})`);
  }
  if (!probes.length) return undefined;
  const read = tx.ctx.access?.object(target).scope('read');
  const readable = read?.predicate ?? sql<SqlBool>`true`;
  const rows = await sql<{ id: string }>`select r.id::text as id from ${sql.id(tx.schema, target.table)} r
    where r.deleted_at is null and (${sql.join(probes, sql` or `)}) and ${readable} order by r.created_at, r.id limit 1`.execute(tx.trx);
  return rows.rows[0]?.id;
}

/** Runs the action's steps in order; a step whose `when` is falsy is skipped. */
export async function runSteps(c: StepContext, w: RecordWriter): Promise<StepsOutcome> {
  const created: Record<string, string | null> = {};
  const out: StepsOutcome = { created: [], updated: [], notified: 0, skipped: [], queued: [] };
  const vars = (): RuleVariables => ({ $user: { id: c.actor }, $now: c.now.toISOString(), $input: c.input, $created: { ...created } });
  for (const step of c.action.actions) {
    if (step.as) created[step.as] = null;
    if (step.when !== undefined && !truthy(evaluate(step.when, c.record, vars()))) {
      out.skipped.push(step.id);
      continue;
    }
    // The automation runner's record actions read a Trigger; the automation is only read by assignOwner, which steps do not take.
    const trigger: Trigger = { automation: c.action as unknown as Automation, om: c.om, recordId: c.recordId, record: c.record, vars: vars() };
    if (step.kind === 'createRecord') {
      const target = objectById(w, step.object as string);
      const set = await values(step.values, target, trigger);
      const existing = step.dedupe || step.match ? await findExisting(w, target, step, set) : undefined;
      const id = existing ?? (await w.create(target.name, set)).id;
      if (step.as) created[step.as] = id;
      out.created.push({ step: step.id, ...(step.as ? { as: step.as } : {}), object: target.name, id, reused: existing !== undefined });
    } else if (step.kind === 'updateRecord') {
      const result = (await runRecordAction(step as unknown as AutomationAction, trigger, w)) as { updated?: { object: string; id: string }[] };
      for (const u of result.updated ?? []) out.updated.push({ step: step.id, ...u });
    } else if (step.kind === 'webhook') {
      if (!c.queueWebhook) throw new AppError('OUTBOUND_UNREACHABLE', { step: step.id }, 'webhooks need the engine’s jobs');
      await c.queueWebhook(w.tx.trx, {
        tenant: '',
        url: step.url as string,
        ...(step.secretRef ? { secretRef: step.secretRef } : {}),
        key: `${c.runKey}:${step.id}`,
        body: { action: c.action.name, step: step.id, object: c.om.name, recordId: c.recordId, record: c.record, created: { ...created }, input: c.input },
      });
      out.queued.push(step.id);
    } else {
      const to = await recipientsOf(w.tx.trx, w.tx.schema, c.om, step.to ?? [], c.record);
      await c.notifications.notify(w.tx.trx, {
        to,
        kind: `action.${c.action.name}`,
        title: localText(step.title) ?? localText(c.action.label) ?? c.action.name,
        body: localText(step.body) ?? null,
        link: { object: c.om.name, recordId: c.recordId },
        source: { type: 'record_action', id: c.action.id },
        key: `${c.runKey}:${step.id}`,
      });
      out.notified += to.length;
    }
  }
  return out;
}
