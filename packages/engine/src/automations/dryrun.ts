import { AppError, type Problem } from '@tangram/errors';
import { resolveApp } from '@tangram/fields';
import { evaluate, truthy } from '@tangram/logic';
import type { Automation, AutomationAction, AutomationActionKind, ResolvedApp } from '@tangram/metadata';
import { sql } from 'kysely';
import type { ActionContext } from '../access/context';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import { type Model, type ObjectModel, systemColumnList } from '../model/compile';
import { loadLookups, lookupsOf } from '../model/lookups';
import { type RecordData, rowToRecord } from '../records/row';
import type { RecordService } from '../records/service';
import { type EventBody, type RecordWriter, type Trigger, fill, localText, robotBody, runRecordAction, values } from './actions';
import { redactPlan } from './dryrun-redact';
import { type TriggerCheck, checkTrigger } from './dryrun-trigger';
import { recipientsOf } from './notify';
import { describeError } from './runtime';

// The designer's dry run: what an automation would do to one record, now, without doing it.
// Record actions run through the same code as a real run (runRecordAction, through the record
// pipeline: validation, formulas, before-save rules) inside a transaction that is always rolled
// back, each action under a savepoint; what they would write is read off the writer. Recipients
// are resolved as a notify action resolves them; HTTP actions only say where they would send.

/** What to dry-run: a definition (the designer's draft of it) or a published automation's id, on a record. */
export interface DryRunInput {
  automation?: unknown;
  id?: string;
  recordId: string;
}

export interface DryRunChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface DryRunAction {
  id: string;
  kind: AutomationActionKind;
  /** `would`: it would act as described; `skipped`: a real run skips it; `failed`: it would fail with `error`. */
  status: 'would' | 'skipped' | 'failed';
  /** Records it would change, field by field (before → after; formulas evaluated). */
  updates?: { object: string; id: string; changes: DryRunChange[] }[];
  /** Records it would create, with their values. */
  creates?: { object: string; values: Record<string, unknown> }[];
  /** Who would be notified (or mailed). */
  recipients?: { id: string; name: string }[];
  title?: string;
  body?: string | null;
  /** Webhook and robot: where it would send, and what (nothing is sent). */
  send?: { url: string; body: unknown; signed: boolean };
  /** refuse: the message the write would be refused with. */
  refuse?: string;
  note?: string;
  error?: string;
}

export interface DryRunResult {
  automation: string;
  object: string;
  recordId: string;
  now: string;
  trigger: TriggerCheck;
  condition: { holds: boolean; error?: string };
  /** The trigger applies and the condition holds. */
  wouldRun: boolean;
  actions: DryRunAction[];
}

/** What the dry run needs of a tenant. */
export interface DryRunHost {
  db: Db;
  schema: string;
  records: RecordService;
  model(): Promise<Model>;
  now: Date;
}

interface PlanContext {
  host: DryRunHost;
  trx: Db;
  model: Model;
  automation: Automation;
  trigger: Trigger;
  writeCtx: ActionContext;
}

type Planned = Omit<DryRunAction, 'id' | 'kind'>;
type Planner = (p: PlanContext, action: AutomationAction) => Promise<Planned>;

const hidden = new Set<string>(systemColumnList.filter((c) => c !== 'owner_id'));
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const text = (m: Parameters<typeof localText>[0]) => localText(m) ?? '';

function diff(before: Record<string, unknown>, after: Record<string, unknown>): DryRunChange[] {
  return Object.keys(after)
    .filter((k) => !hidden.has(k) && !same(before[k], after[k]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

const shown = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !hidden.has(k) && v !== null && v !== undefined));

async function readRecord(trx: Db, schema: string, om: ObjectModel, id: string): Promise<RecordData | undefined> {
  const row = await trx.withSchema(schema).selectFrom(om.table).select(om.selectColumns).where('id', '=', id).executeTakeFirst();
  return row ? rowToRecord(om, row as Record<string, unknown>) : undefined;
}

/** A record action run through the pipeline with a writer that notes each write's before and after. */
const recordPlanner: Planner = async (p, action) => {
  const updates: NonNullable<DryRunAction['updates']> = [];
  const creates: NonNullable<DryRunAction['creates']> = [];
  await p.host.records.within(
    p.trx,
    p.writeCtx,
    (w) => {
      const noting: RecordWriter = {
        ...w,
        async update(object, id, input) {
          const om = w.model.byName.get(object);
          const before = om ? await readRecord(p.trx, p.host.schema, om, id) : undefined;
          const after = await w.update(object, id, input);
          updates.push({ object, id, changes: diff(before ?? {}, after) });
          return after;
        },
        async create(object, input) {
          const created = await w.create(object, input);
          creates.push({ object, values: shown(created) });
          return created;
        },
      };
      return runRecordAction(action, p.trigger, noting);
    },
    { now: p.host.now, model: p.model },
  );
  return { status: 'would', updates, creates };
};

async function named(trx: Db, schema: string, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  const rows = await systemTables(trx, schema).selectFrom('_user').select(['id', 'name']).where('id', 'in', ids).execute();
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return ids.map((id) => ({ id, name: names.get(id) ?? id }));
}

const recipients = async (p: PlanContext, action: AutomationAction) =>
  named(p.trx, p.host.schema, await recipientsOf(p.trx, p.host.schema, p.trigger.om, action.to ?? [], p.trigger.record));

function eventBody(p: PlanContext, action: AutomationAction): EventBody {
  const kind = p.automation.trigger.kind;
  return {
    automation: p.automation.id,
    action: action.id,
    event: kind === 'record.created' || kind === 'record.deleted' ? kind : 'record.updated',
    eventId: 0,
    object: p.trigger.om.name,
    record: p.trigger.record,
    previous: {},
  };
}

/** One planner per action kind (a missing kind fails to compile). */
const planners: Record<AutomationActionKind, Planner> = {
  setFields: async (p, action) => {
    const { om, record, recordId } = p.trigger;
    const set = await values(action.values, om, p.trigger, { reader: { trx: p.trx, schema: p.host.schema, model: p.model }, target: record });
    return { status: 'would', updates: [{ object: om.name, id: recordId, changes: diff(record, { ...record, ...set }) }] };
  },
  refuse: async (_p, action) => ({ status: 'would', refuse: text(action.message) }),
  updateRecord: recordPlanner,
  createRecord: recordPlanner,
  addScore: recordPlanner,
  assignOwner: recordPlanner,
  notify: async (p, action) => ({
    status: 'would',
    recipients: await recipients(p, action),
    title: text(action.title) || text(p.automation.label) || p.automation.name,
    body: localText(action.body) ?? null,
  }),
  email: async (p, action) => ({
    status: 'skipped',
    recipients: await recipients(p, action),
    title: text(action.subject),
    note: 'e-mail is not sent yet (no SMTP sender): a run skips this action',
  }),
  webhook: async (p, action) => ({
    status: 'would',
    send: { url: action.url as string, body: eventBody(p, action), signed: action.secretRef !== undefined },
  }),
  robot: async (p, action) => ({
    status: 'would',
    send: { url: action.url as string, body: robotBody(action.provider as string, fill(text(action.message), p.trigger.record)), signed: false },
  }),
};

/** The automation a definition describes, resolved against the published app as a publish would (problems under /automation). */
function resolveDefinition(app: ResolvedApp, input: unknown): Automation {
  const def = input as { id?: unknown; name?: unknown };
  if (!def || typeof def !== 'object' || typeof def.name !== 'string')
    throw AppError.problems('METADATA_INVALID', [{ code: 'METADATA_INVALID', path: '/automation/name', message: 'an automation needs a name' }]);
  const id = typeof def.id === 'string' ? def.id : def.name;
  const others = app.automations.filter((a) => a.id !== id && a.name !== def.name);
  try {
    return resolveApp({ ...app, automations: [input, ...others] }).automations[0] as Automation;
  } catch (e) {
    const problems = e instanceof AppError ? (e.details.problems as Problem[] | undefined) : undefined;
    if (!problems || !(e instanceof AppError)) throw e;
    throw AppError.problems(
      e.code,
      problems.map((p) => ({ ...p, path: p.path?.replace(/^\/automations\/0(?=\/|$)/, '/automation') })),
    );
  }
}

function pickAutomation(model: Model, input: DryRunInput): Automation {
  if ((input.automation === undefined) === (input.id === undefined))
    throw new AppError('AUTOMATION_DRY_RUN_INVALID', { field: 'automation' }, 'give either the automation (its definition) or its id');
  if (input.automation !== undefined) return resolveDefinition(model.app, input.automation);
  const found = model.app.automations.find((a) => a.id === input.id || a.name === input.id);
  if (!found) throw new AppError('AUTOMATION_NOT_FOUND', { automation: String(input.id).slice(0, 100) });
  return found;
}

async function planAll(p: PlanContext): Promise<DryRunAction[]> {
  const out: DryRunAction[] = [];
  for (const action of p.automation.actions) {
    await sql`savepoint dry_run_action`.execute(p.trx);
    try {
      out.push({ id: action.id, kind: action.kind, ...(await planners[action.kind](p, action)) });
      await sql`release savepoint dry_run_action`.execute(p.trx);
    } catch (e) {
      await sql`rollback to savepoint dry_run_action`.execute(p.trx);
      out.push({ id: action.id, kind: action.kind, status: 'failed', error: describeError(e) });
    }
  }
  return out;
}

const rollback = Symbol('dry run: roll back');

/**
 * What `input`'s automation would do to the record now (the host's clock): whether its trigger
 * applies and its condition holds, and each action's effect — computed, never made: every write
 * is rolled back, nothing is sent. The record must be readable with `ctx` (the caller's rights),
 * and a member sees only the records and fields they may read (redactPlan).
 * @example await tenant.automations.dryRun({ id: 'big_deal', recordId }, { actor, access })
 */
export async function dryRunAutomation(host: DryRunHost, input: DryRunInput, ctx: ActionContext = {}): Promise<DryRunResult> {
  const model = await host.model();
  const automation = pickAutomation(model, input);
  const om = model.byId.get(automation.object);
  if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: automation.object });
  const record = await host.records.get(om.name, input.recordId, {}, ctx);
  const now = host.now;
  const vars = { $now: now.toISOString(), $user: { id: ctx.actor ?? null }, $previous: record };
  // What its lookup paths read, as a run would read them (the system's view, not the caller's).
  const plan = lookupsOf(model, automation).all;
  const scope = plan ? { ...record, ...(await loadLookups(host.db, host.schema, plan, [record]))[0] } : undefined;
  let condition: DryRunResult['condition'];
  try {
    condition = { holds: automation.condition === undefined || truthy(evaluate(automation.condition, scope ?? record, vars)) };
  } catch (e) {
    condition = { holds: false, error: describeError(e) };
  }
  const trigger = checkTrigger(automation, om, record, now);
  const writeCtx: ActionContext =
    automation.runAs === 'actor' && ctx.access
      ? { ...ctx, automation: { automation: automation.id, depth: 1 } }
      : { actor: null, automation: { automation: automation.id, depth: 1 } };
  let actions: DryRunAction[] = [];
  try {
    await host.db.transaction().execute(async (trx) => {
      const t: Trigger = { automation, om, recordId: record.id, record, vars, ...(scope ? { scope } : {}) };
      actions = await planAll({ host, trx, model, automation, trigger: t, writeCtx });
      throw rollback;
    });
  } catch (e) {
    if (e !== rollback) throw e;
  }
  if (ctx.access) actions = await redactPlan(host.db, host.schema, model, ctx.access, actions);
  return {
    automation: automation.name,
    object: om.name,
    recordId: record.id,
    now: now.toISOString(),
    trigger,
    condition,
    wouldRun: trigger.applies && condition.holds,
    actions,
  };
}
