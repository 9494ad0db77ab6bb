import { lookupPathsOf, systemUserFields, userLookupKinds } from '@tangram/fields';
import type { Automation } from '@tangram/metadata';
import type { Db } from '../db/database';
import { type Model, type ObjectModel, systemColumnList } from './compile';
import { rowToRecord } from './row';

// Lookup paths (`{"var": "account.level"}`, docs/guides/automations.md#lookup-paths): what an
// automation's condition and formulas read through lookups, planned once per automation (the
// publish checked every path: @tangram/fields lookup-paths.ts), and loaded for a batch of records
// with one query per lookup followed — as the system, within the tenant's schema. A target that
// is missing or deleted reads as null. A rule that reads no path costs nothing here.

/** One lookup the plan follows: the field `name` of the records before it, to `target`. */
interface Step {
  name: string;
  target: ObjectModel | 'user';
  /** What is read of each target record (field names, system columns, or a user's properties). */
  reads: Set<string>;
  /** Lookups followed on from the target. */
  next: Map<string, Step>;
}

/** The lookups a set of paths follows, as a tree from the automation's object. */
export interface LookupPlan {
  steps: Map<string, Step>;
}

/** The plans of one automation: for its condition, its formulas, and both (before-save rules and the dry run load once). */
export interface AutomationLookups {
  condition?: LookupPlan;
  values?: LookupPlan;
  all?: LookupPlan;
}

const isSystem = (name: string) => (systemColumnList as readonly string[]).includes(name);

/** Where a field of `om` leads: another object's records, the tenant's users, or nowhere. */
function targetOf(model: Model, om: ObjectModel, name: string): ObjectModel | 'user' | undefined {
  if (systemUserFields.has(name)) return 'user';
  const f = om.byName.get(name);
  const ref = f?.type.reference;
  if (!f || ref?.shape !== 'single') return undefined;
  if (ref.toObject) return model.byId.get(f.field.options.target as string);
  return ref.target(f.field) === '_user' ? 'user' : undefined;
}

/** The plan of dotted names read from records of `om`; undefined when there are none. A path that no longer resolves is left out (it reads null). */
export function planLookups(model: Model, om: ObjectModel, names: readonly string[]): LookupPlan | undefined {
  const plan: LookupPlan = { steps: new Map() };
  for (const name of names) {
    const parts = name.split('.');
    let from: ObjectModel | 'user' = om;
    let steps = plan.steps;
    const chain: Step[] = [];
    for (const part of parts.slice(0, -1)) {
      const target: ObjectModel | 'user' | undefined = from === 'user' ? undefined : targetOf(model, from, part);
      if (!target) break;
      let step = steps.get(part);
      if (!step) steps.set(part, (step = { name: part, target, reads: new Set(), next: new Map() }));
      chain.push(step);
      from = target;
      steps = step.next;
    }
    if (chain.length === parts.length - 1) chain.at(-1)?.reads.add(parts.at(-1) as string);
  }
  return plan.steps.size ? plan : undefined;
}

const plans = new WeakMap<Automation, AutomationLookups>();

/** The lookup plans of an automation of `model` (computed once per published automation). */
export function lookupsOf(model: Model, a: Automation): AutomationLookups {
  let found = plans.get(a);
  if (!found) {
    const om = model.byId.get(a.object);
    const condition = a.condition === undefined ? [] : lookupPathsOf(a.condition);
    const values = a.actions.flatMap((x) => (x.values ?? []).flatMap((v) => (v.formula === undefined ? [] : lookupPathsOf(v.formula))));
    found = om
      ? { condition: planLookups(model, om, condition), values: planLookups(model, om, values), all: planLookups(model, om, [...condition, ...values]) }
      : {};
    plans.set(a, found);
  }
  return found;
}

const merged = new WeakMap<readonly Automation[], LookupPlan | null>();

/** One plan for the conditions of several automations of one object (the dispatcher loads a batch's lookups once per object). */
export function conditionLookupsOf(model: Model, om: ObjectModel, automations: readonly Automation[]): LookupPlan | undefined {
  let found = merged.get(automations);
  if (found === undefined) {
    const names = automations.flatMap((a) => (a.condition === undefined ? [] : lookupPathsOf(a.condition)));
    found = planLookups(model, om, names) ?? null;
    merged.set(automations, found);
  }
  return found ?? undefined;
}

/** The target records a step reaches from `parents`, by id: one query. */
async function fetchStep(db: Db, schema: string, step: Step, parents: (Record<string, unknown> | undefined)[]): Promise<Map<string, Record<string, unknown>>> {
  const ids = [...new Set(parents.flatMap((p) => (typeof p?.[step.name] === 'string' ? [p[step.name] as string] : [])))];
  if (!ids.length) return new Map();
  if (step.target === 'user') {
    const columns = ['id', ...[...step.reads].filter((r) => Object.hasOwn(userLookupKinds, r))];
    const rows = await db.withSchema(schema).selectFrom('_user').select(columns).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [String(r.id), r as Record<string, unknown>]));
  }
  const om = step.target;
  const columnOf = (name: string) => (isSystem(name) ? name : om.byName.get(name)?.column);
  const columns = new Set(['id']);
  for (const name of [...step.reads, ...step.next.keys()]) {
    const c = columnOf(name);
    if (c && (isSystem(c) || om.byColumn.get(c)?.type.storage === 'column')) columns.add(c);
  }
  const rows = await db
    .withSchema(schema)
    .selectFrom(om.table)
    .select([...columns])
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .execute();
  return new Map(rows.map((r) => [String(r.id), rowToRecord(om, r as Record<string, unknown>)]));
}

async function follow(
  db: Db,
  schema: string,
  steps: Map<string, Step>,
  parents: (Record<string, unknown> | undefined)[],
  out: Record<string, unknown>[],
  prefix: string,
) {
  for (const step of steps.values()) {
    const found = await fetchStep(db, schema, step, parents);
    const reached = parents.map((p) => {
      const id = p?.[step.name];
      return typeof id === 'string' ? found.get(id) : undefined;
    });
    const key = `${prefix}${step.name}.`;
    reached.forEach((r, i) => {
      for (const read of step.reads) (out[i] as Record<string, unknown>)[`${key}${read}`] = r?.[read] ?? null;
    });
    if (step.next.size) await follow(db, schema, step.next, reached, out, key);
  }
}

/**
 * The values a plan's paths read for each record, keyed by path (`{ 'account.level': 'A' }`):
 * one query per lookup followed, for the whole batch. Merge them over the record to evaluate
 * (field names have no dots: they never collide).
 * @example const [extra] = await loadLookups(db, schema, plan, [record]); evaluate(rule, { ...record, ...extra }, vars)
 */
export async function loadLookups(db: Db, schema: string, plan: LookupPlan, records: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const out = records.map(() => ({}) as Record<string, unknown>);
  await follow(db, schema, plan.steps, [...records], out, '');
  return out;
}

/** Each record with the values its plan's paths read (the record itself when there is no plan). */
export async function withLookups(
  db: Db,
  schema: string,
  plan: LookupPlan | undefined,
  records: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  if (!plan || !records.length) return [...records];
  const extra = await loadLookups(db, schema, plan, records);
  return records.map((r, i) => ({ ...r, ...extra[i] }));
}
