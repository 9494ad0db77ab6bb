import { AppError, type Problem } from '@tangram/errors';
import { normalizeValue, valueProblem } from '@tangram/fields';
import { type RuleVariables, evaluate, truthy } from '@tangram/logic';
import type { Automation, AutomationAction, AutomationTrigger, LocaleText } from '@tangram/metadata';
import { aggregateValue, fitNumber } from '../query/rule-queries';
import type { FieldModel, Model, ObjectModel } from '../model/compile';
import { computeFormulas } from '../model/formulas';
import { lookupsOf, loadLookups } from '../model/lookups';
import type { RecordBehaviour, WriteContext } from './behaviours';
import { storableProblem } from './storable';

// Before-save automations: rules an author attached to an object with a record trigger and the
// `beforeSave` timing. They run inside the write, after formulas and before validation rules, so
// what they set is checked like input and the formulas that read it are computed again. Each
// matching rule runs once per write, in the order published, and sees what the ones before it
// set; a value set by a rule does not fire the rules again, so rules cannot loop here. A value
// may be read from other records (an aggregate): the query runs in the write's transaction.

/** What a write did that the automations took part in: in the event's payload, `automations`. */
export interface AutomationTrace {
  automation: string;
  /** Field names the automation set. */
  set: string[];
}

interface Compiled {
  automation: Automation;
  /** field.changed: the names of the fields watched (`owner_id` for the owner). */
  watched: string[];
}

const cache = new WeakMap<ObjectModel, Compiled[]>();
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The object's enabled before-save automations, compiled once per metadata revision (the model is). */
function beforeSave(model: Model, om: ObjectModel): Compiled[] {
  let found = cache.get(om);
  if (!found) {
    found = model.app.automations
      .filter((a) => a.object === om.id && a.enabled && a.trigger.timing === 'beforeSave')
      .map((automation) => ({
        automation,
        watched: (automation.trigger.fields ?? []).flatMap(
          (id) => (om.byColumn.get(id) ?? om.fields.find((f) => f.column === id))?.name ?? (id === 'owner_id' ? id : []),
        ),
      }));
    cache.set(om, found);
  }
  return found;
}

/** Whether the trigger fires for this write: the action, and for field.changed a watched field going from → to. */
function fires(trigger: AutomationTrigger, c: Compiled, w: WriteContext): boolean {
  if (trigger.kind === 'record.created') return w.action === 'create';
  if (trigger.kind === 'record.updated') return w.action === 'update';
  if (trigger.kind === 'record.deleted') return w.action === 'delete';
  if (trigger.kind !== 'field.changed' || (w.action !== 'create' && w.action !== 'update')) return false;
  // A creation is a change from nothing (null) to the value given.
  const before: Record<string, unknown> = w.action === 'create' ? {} : (w.current ?? {});
  return c.watched.some((name) => {
    const [from, to] = [before[name] ?? null, w.record[name] ?? null];
    if (same(from, to)) return false;
    return (trigger.from === undefined || same(trigger.from, from)) && (trigger.to === undefined || same(trigger.to, to));
  });
}

function variables(w: WriteContext): RuleVariables {
  return { $now: w.tx.now.toISOString(), $user: { id: w.tx.ctx.actor ?? null }, $previous: { ...(w.current ?? {}) } };
}

const text = (m: LocaleText | undefined, fallback: string) => m?.['zh-CN'] ?? m?.en ?? Object.values(m ?? {})[0] ?? fallback;

function refuse(a: Automation, action: AutomationAction): never {
  throw new AppError(
    'AUTOMATION_REFUSED',
    { automation: a.id, name: a.name, label: a.label, action: action.id, messages: action.message ?? {} },
    text(action.message, `refused by ${a.name}`),
  );
}

/** A formula's number or boolean for a text (or select) field is written as its text, as publishing allowed. */
function asText(f: FieldModel, value: unknown): unknown {
  return f.kind === 'text' && (typeof value === 'number' || typeof value === 'boolean') ? String(value) : value;
}

/**
 * The values a setFields action gives, checked and normalised exactly like a client's input. An
 * aggregate reads other records in the write's transaction, as the system; `$record` and `$target`
 * are both the record being written. A formula reads `lookups` (the rule's lookup paths) too.
 */
async function assignments(
  a: Automation,
  action: AutomationAction,
  w: WriteContext,
  vars: RuleVariables,
  lookups?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const v of action.values ?? []) {
    const f = w.om.byColumn.get(v.field) ?? w.om.fields.find((x) => x.column === v.field);
    if (!f) continue;
    const value =
      v.aggregate !== undefined
        ? asText(f, fitNumber(f, await aggregateValue(w.tx, v.aggregate, { ...vars, $record: w.record, $target: w.record })))
        : v.formula !== undefined
          ? asText(f, evaluate(v.formula, lookups ? { ...w.record, ...lookups } : w.record, vars))
          : v.value;
    const where = { field: f.name, automation: a.id, action: action.id };
    if (value === null || value === undefined) {
      if (f.field.required) problems.push({ code: 'RECORD_INVALID', ...where, message: `is required (automation "${a.name}" would empty it)` });
      else out[f.name] = null;
      continue;
    }
    const problem = storableProblem(value) ?? valueProblem(f.field, value);
    if (problem) problems.push({ code: 'RECORD_INVALID', ...where, message: `${problem} (set by automation "${a.name}")` });
    else out[f.name] = normalizeValue(f.field, value);
  }
  if (problems.length) throw AppError.problems('RECORD_INVALID', problems);
  return out;
}

/**
 * Runs the object's before-save automations on one write: sets values or refuses it. A rule that
 * reads lookup paths loads them for the values as they are when it runs (after the rules before
 * it): one query per lookup it follows.
 */
export async function runBeforeSave(w: WriteContext): Promise<void> {
  if (w.tx.ctx.history) return;
  const rules = beforeSave(w.tx.model, w.om);
  if (!rules.length) return;
  const traces: AutomationTrace[] = [];
  for (const c of rules) {
    const a = c.automation;
    if (!fires(a.trigger, c, w)) continue;
    const vars = variables(w);
    // A deletion takes no values: its rules read the record as it is.
    const record = w.action === 'delete' ? (w.current ?? {}) : w.record;
    const plan = lookupsOf(w.tx.model, a).all;
    const lookups = plan ? (await loadLookups(w.tx.trx, w.tx.schema, plan, [record]))[0] : undefined;
    if (a.condition !== undefined && !truthy(evaluate(a.condition, lookups ? { ...record, ...lookups } : record, vars))) continue;
    const set: string[] = [];
    for (const action of a.actions) {
      if (action.kind === 'refuse') refuse(a, action);
      if (action.kind !== 'setFields') continue;
      const values = await assignments(a, action, w, vars, lookups);
      Object.assign(w.record, values);
      // An update writes the fields it was given: what an automation sets is written with them.
      if (w.action === 'update') Object.assign(w.values, values);
      set.push(...Object.keys(values));
    }
    if (set.length) traces.push({ automation: a.id, set: [...new Set(set)] });
  }
  if (!traces.length) return;
  if (w.om.formulas.length) Object.assign(w.record, computeFormulas(w.om.formulas, w.record, w.tx.now.toISOString()));
  w.automations = [...(w.automations ?? []), ...traces];
}

/**
 * The pipeline behaviours that run before-save automations: on create and update after the
 * formulas (so conditions read computed values) and before validation; on delete before the write.
 */
export const automationBehaviours: readonly RecordBehaviour[] = [
  { name: 'automations.beforeSave', phase: 'beforeValidate', priority: 150, actions: ['create', 'update'], run: runBeforeSave },
  { name: 'automations.beforeDelete', phase: 'beforeWrite', priority: 50, actions: ['delete'], run: runBeforeSave },
];
