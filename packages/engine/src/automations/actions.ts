import { AppError } from '@tangram/errors';
import { type RuleVariables, evaluate } from '@tangram/logic';
import type { Automation, AutomationAction, FieldAssignment, LocaleText } from '@tangram/metadata';
import { type OutboundPolicy, guardedFetch, signBody, SIGNATURE_HEADER } from '@tangram/net';
import { sql } from 'kysely';
import type { FieldModel, Model, ObjectModel } from '../model/compile';
import type { RecordData } from '../records/row';
import type { Tx } from '../records/tx';
import { type QueryReader, aggregateValue, fitNumber, queryTargetIds, readTargets } from '../query/rule-queries';

// What each after-commit action does. Record actions get a write handle inside the transaction
// that also claims the action's idempotency key; HTTP actions send once per attempt with the key
// in the Idempotency-Key header (the receiver drops repeats).

/** What a record action writes with: the pipeline, inside the action's transaction. */
export interface RecordWriter {
  model: Model;
  tx: Tx;
  create(object: string, input: unknown): Promise<RecordData>;
  update(object: string, id: string, input: unknown): Promise<RecordData>;
}

/** The triggering record and everything a formula may read. */
export interface Trigger {
  automation: Automation;
  om: ObjectModel;
  recordId: string;
  record: Record<string, unknown>;
  vars: RuleVariables;
  /** The record with the values of the lookup paths its formulas read (`account.level`); absent when they read none. */
  scope?: Record<string, unknown>;
}

export const recordActionKinds = new Set(['updateRecord', 'createRecord', 'addScore', 'assignOwner']);
export const httpActionKinds = new Set(['webhook', 'robot']);

const fieldOf = (om: ObjectModel, id: string): FieldModel | undefined => om.byColumn.get(id) ?? om.fields.find((f) => f.column === id);

function objectById(model: Model, id: string): ObjectModel {
  const om = model.byId.get(id);
  if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: id });
  return om;
}

/** Where an action's aggregates read, and the record it writes (`$target`; none for a record being created). */
export interface ValueSource {
  reader: QueryReader;
  target?: Record<string, unknown>;
}

/** Whether any value of the list is read from other records. */
export const readsRecords = (list: FieldAssignment[] | undefined): boolean => (list ?? []).some((v) => v.aggregate !== undefined);

/** The variables an aggregate's filter reads: the rule's, the triggering record and the record written. */
export const queryVariables = (t: Pick<Trigger, 'record' | 'vars'>, target: Record<string, unknown> | undefined): RuleVariables => ({
  ...t.vars,
  $record: t.record,
  $target: target ?? {},
});

/** The values an action writes on `target`: constants, formulas over the triggering record, or aggregates read through `source`. */
export async function values(list: FieldAssignment[] | undefined, target: ObjectModel, t: Trigger, source?: ValueSource): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of list ?? []) {
    const f = fieldOf(target, v.field);
    if (!f) continue;
    let value: unknown;
    if (v.aggregate !== undefined) {
      if (!source) throw new AppError('AUTOMATION_QUERY_INVALID', { field: f.name }, 'a value read from other records needs a transaction to read in');
      value = fitNumber(f, await aggregateValue(source.reader, v.aggregate, queryVariables(t, source.target)));
    } else value = v.formula !== undefined ? evaluate(v.formula, t.scope ?? t.record, t.vars) : v.value;
    if (f.kind === 'text' && (typeof value === 'number' || typeof value === 'boolean')) value = String(value);
    out[f.name] = value ?? null;
  }
  return out;
}

/** Updates records of `object` by id, each with its own values when they read `$target` (its record read first). */
async function updateEach(action: AutomationAction, object: ObjectModel, ids: string[], t: Trigger, w: RecordWriter): Promise<void> {
  const reader: QueryReader = { trx: w.tx.trx, schema: w.tx.schema, model: w.model };
  if (!readsRecords(action.values)) {
    const set = await values(action.values, object, t);
    for (const id of ids) await w.update(object.name, id, set);
    return;
  }
  const records = await readTargets(reader, object, ids);
  for (const id of ids) await w.update(object.name, id, await values(action.values, object, t, { reader, target: records.get(id) }));
}

async function liveChildren(tx: Tx, child: ObjectModel, column: string, parentId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select id from ${sql.id(tx.schema, child.table)} where ${sql.id(column)} = ${parentId} and deleted_at is null order by id`.execute(tx.trx);
  return rows.rows.map((r) => r.id);
}

/** Runs a record action (updateRecord, createRecord, addScore, assignOwner); what it wrote. */
export async function runRecordAction(action: AutomationAction, t: Trigger, w: RecordWriter): Promise<unknown> {
  const { om } = t;
  switch (action.kind) {
    case 'updateRecord': {
      const target = action.target ?? { kind: 'self' };
      if (target.kind === 'self') {
        await updateEach(action, om, [t.recordId], t, w);
        return { updated: [{ object: om.name, id: t.recordId }] };
      }
      if (target.kind === 'parent') {
        const f = fieldOf(om, target.field as string);
        const parentId = f ? t.record[f.name] : undefined;
        if (typeof parentId !== 'string') return { updated: [], note: 'the lookup is empty' };
        const parent = objectById(w.model, f?.field.options.target as string);
        await updateEach(action, parent, [parentId], t, w);
        return { updated: [{ object: parent.name, id: parentId }] };
      }
      if (target.kind === 'query') {
        const reader: QueryReader = { trx: w.tx.trx, schema: w.tx.schema, model: w.model };
        const { om: found, ids } = await queryTargetIds(reader, target, queryVariables(t, undefined));
        await updateEach(action, found, ids, t, w);
        return { updated: ids.map((id) => ({ object: found.name, id })) };
      }
      const child = objectById(w.model, target.object as string);
      const via = fieldOf(child, target.field as string);
      if (!via) throw new AppError('FIELD_NOT_FOUND', { object: child.name, field: target.field });
      const ids = await liveChildren(w.tx, child, via.column, t.recordId);
      await updateEach(action, child, ids, t, w);
      return { updated: ids.map((id) => ({ object: child.name, id })) };
    }
    case 'createRecord': {
      const target = objectById(w.model, action.object as string);
      const reader: QueryReader = { trx: w.tx.trx, schema: w.tx.schema, model: w.model };
      const created = await w.create(target.name, await values(action.values, target, t, { reader }));
      return { created: { object: target.name, id: created.id } };
    }
    case 'addScore': {
      const scored = scoredRecord(action, t, w);
      if (!scored) return { updated: [], note: 'the lookup is empty' };
      const { object, id } = scored;
      const f = fieldOf(object, action.field as string);
      if (!f) throw new AppError('FIELD_NOT_FOUND', { object: object.name, field: action.field });
      // Locked first: two runs adding to one record add up.
      const row = await sql<Record<string, unknown>>`
        select ${sql.id(f.column)} as v from ${sql.id(w.tx.schema, object.table)} where id = ${id} for update`.execute(w.tx.trx);
      const current = Number(row.rows[0]?.v ?? 0);
      const next = current + (action.amount ?? 0);
      await w.update(object.name, id, { [f.name]: next });
      return { ...(object === om ? {} : { object: object.name, id }), field: f.name, from: current, to: next };
    }
    case 'assignOwner': {
      const owner = await pickOwner(action, t, w);
      if (!owner) return { assigned: null, note: 'no member to assign' };
      await w.update(om.name, t.recordId, { owner_id: owner });
      return { assigned: owner };
    }
    default:
      throw new Error(`not a record action: ${action.kind}`);
  }
}

/** The record an addScore action scores: the triggering record, or its parent through a lookup (null when the lookup is empty). */
function scoredRecord(action: AutomationAction, t: Trigger, w: RecordWriter): { object: ObjectModel; id: string } | null {
  if (action.target?.kind !== 'parent') return { object: t.om, id: t.recordId };
  const via = fieldOf(t.om, action.target.field as string);
  const id = via ? t.record[via.name] : undefined;
  return typeof id === 'string' ? { object: objectById(w.model, via?.field.options.target as string), id } : null;
}

/** The owner an assignOwner action picks: the next member of a department in turn, or by a field's value. */
async function pickOwner(action: AutomationAction, t: Trigger, w: RecordWriter): Promise<string | null> {
  const s = action.strategy;
  if (!s) return null;
  if (s.kind === 'mapping') {
    const f = fieldOf(t.om, s.field as string);
    const value = f ? t.record[f.name] : undefined;
    const map = (s.map ?? {}) as Record<string, string>;
    return (typeof value === 'string' && map[value]) || (s.fallback as string | undefined) || null;
  }
  const members = await sql<{ user_id: string }>`
    select m.user_id from ${sql.id(w.tx.schema, '_user_department')} m join ${sql.id(w.tx.schema, '_user')} u on u.id = m.user_id
    where m.department_id = ${s.department as string} and u.active order by m.user_id`.execute(w.tx.trx);
  if (!members.rows.length) return null;
  // The turn is kept per (automation, action) and moves in the action's transaction: a rolled-back run takes no turn.
  const turn = await sql<{ n: number }>`
    insert into ${sql.id(w.tx.schema, '_automation_round_robin')} as r (automation_id, action_id, next_index) values (${t.automation.id}, ${action.id}, 1)
    on conflict (automation_id, action_id) do update set next_index = r.next_index + 1
    returning next_index - 1 as n`.execute(w.tx.trx);
  const n = Number(turn.rows[0]?.n ?? 0);
  return members.rows[n % members.rows.length]?.user_id ?? null;
}

/** A locale text as shown to people: Chinese first, then English, then whatever it has. */
export const localText = (m: LocaleText | undefined): string | undefined => m?.['zh-CN'] ?? m?.en ?? Object.values(m ?? {})[0];
const text = (m: LocaleText | undefined) => localText(m) ?? '';

/** `{field}` in a robot message is replaced by the record's value. */
export function fill(template: string, record: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (name in record ? String(record[name] ?? '') : all));
}

/** The body a group robot takes (WeCom, DingTalk: `msgtype`; Feishu: `msg_type`). */
export function robotBody(provider: string, content: string): Record<string, unknown> {
  if (provider === 'feishu') return { msg_type: 'text', content: { text: content } };
  return { msgtype: 'text', text: { content } };
}

export interface HttpSettings {
  policy: OutboundPolicy;
  secrets: Record<string, string>;
  now: Date;
  signal?: AbortSignal;
}

/** The event an HTTP action sends (a webhook's body). */
export interface EventBody {
  automation: string;
  action: string;
  event: string;
  eventId: number;
  object: string;
  record: Record<string, unknown>;
  previous: Record<string, unknown>;
}

/**
 * Sends a webhook or robot message; a status outside 2xx (or a robot's non-zero error code) is
 * a failure the job retries with the same Idempotency-Key.
 */
export async function runHttpAction(action: AutomationAction, body: EventBody, idempotencyKey: string, s: HttpSettings): Promise<unknown> {
  const payload = action.kind === 'robot' ? robotBody(action.provider as string, fill(text(action.message), body.record)) : body;
  const raw = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (action.secretRef !== undefined) {
    // As named, or as an environment variable spells it (TANGRAM_WEBHOOK_SECRET_ERP_MAIN for `erp-main`).
    const secret = s.secrets[action.secretRef] ?? s.secrets[action.secretRef.toLowerCase().replace(/-/g, '_')];
    if (secret === undefined) throw new AppError('AUTOMATION_SECRET_NOT_FOUND', { action: action.id, secretRef: action.secretRef });
    headers[SIGNATURE_HEADER] = signBody(secret, raw, s.now);
  }
  const res = await guardedFetch(action.url as string, { method: 'POST', headers, body: raw, idempotencyKey, signal: s.signal }, s.policy);
  if (res.status < 200 || res.status > 299) throw new AppError('OUTBOUND_HTTP_STATUS', { status: res.status, url: res.url }, `the host answered ${res.status}`);
  if (action.kind === 'robot') {
    let answer: { errcode?: unknown; code?: unknown } = {};
    try {
      answer = JSON.parse(res.text());
    } catch {
      // A robot that answers no JSON but 2xx took the message.
    }
    const code = answer.errcode ?? answer.code;
    if (code !== undefined && code !== 0)
      throw new AppError('OUTBOUND_HTTP_STATUS', { status: res.status, robotCode: code }, `the robot answered error ${String(code)}`);
  }
  return { status: res.status };
}
