import type { ErrorCode, Problem } from '@tangram/errors';
import { cronProblem, isTimeZone } from './cron';
import {
  type AggregateValue,
  type AggregateValueInput,
  type Automation,
  type AutomationAction,
  type AutomationActionInput,
  type AutomationActionKind,
  type AutomationInput,
  type AutomationTrigger,
  type AutomationTriggerKind,
  type FieldAssignment,
  type FieldAssignmentInput,
  type LocaleText,
  type ObjectDef,
  type RecipientKind,
  aggregateValueOps,
  beforeSaveActionKinds,
  recordTriggerKinds,
} from './types';

/** Resolves object and field names (or ids) to ids, reporting what is missing (normalize.ts's `Names`). */
export interface NameResolver {
  object(name: string, path: string): ObjectDef | undefined;
  /** `system`: the system columns (id, created_at, owner_id, …) are names too. */
  field(o: ObjectDef, name: string, path: string, system?: boolean): string;
  objectById(id: string): ObjectDef | undefined;
}

export interface Shape {
  required: readonly string[];
  optional?: readonly string[];
}

// Which properties each kind takes: one table per part instead of a switch in every function.
const triggerShapes: Record<AutomationTriggerKind, Shape> = {
  'record.created': { required: [], optional: ['timing'] },
  'record.updated': { required: [], optional: ['timing'] },
  'record.deleted': { required: [], optional: ['timing'] },
  'field.changed': { required: ['fields'], optional: ['from', 'to', 'timing'] },
  schedule: { required: ['cron'], optional: ['timeZone'] },
  'date.relative': { required: ['field', 'offset', 'direction'] },
  inactivity: { required: ['fields', 'days'], optional: ['episodeField'] },
};

const actionShapes: Record<AutomationActionKind, Shape> = {
  setFields: { required: ['values'] },
  refuse: { required: ['message'] },
  updateRecord: { required: ['target', 'values'] },
  createRecord: { required: ['object', 'values'] },
  notify: { required: ['to', 'title'], optional: ['body'] },
  email: { required: ['to', 'subject', 'body'] },
  webhook: { required: ['url'], optional: ['secretRef'] },
  robot: { required: ['provider', 'url', 'message'] },
  assignOwner: { required: ['strategy'] },
  addScore: { required: ['field', 'amount'], optional: ['target'] },
};

const recipientShapes: Record<RecipientKind, Shape> = {
  owner: { required: [] },
  ownerManager: { required: [] },
  departmentHead: { required: [] },
  role: { required: ['role'] },
  userField: { required: ['field'] },
  users: { required: ['users'] },
};

const targetShapes: Record<string, Shape> = {
  self: { required: [] },
  parent: { required: ['field'] },
  children: { required: ['object', 'field'] },
  query: { required: ['object', 'filter'] },
};
const aggregateShape: Shape = { required: ['object', 'op'], optional: ['field', 'filter', 'sort'] };
const strategyShapes: Record<string, Shape> = { roundRobin: { required: ['department'] }, mapping: { required: ['field', 'map'], optional: ['fallback'] } };

/** Problems of a `{ kind, … }` part against its kind's shape: what it lacks, what it does not take. */
export function shapeProblems(part: object, shape: Shape, what: string, path: string, code: ErrorCode, always: readonly string[] = ['kind']): Problem[] {
  const problems: Problem[] = [];
  const has = (k: string) => (part as Record<string, unknown>)[k] !== undefined;
  for (const k of shape.required) if (!has(k)) problems.push({ code, path: `${path}/${k}`, message: `${what} needs "${k}"` });
  const allowed = new Set([...always, ...shape.required, ...(shape.optional ?? [])]);
  for (const k of Object.keys(part)) if (!allowed.has(k) && has(k)) problems.push({ code, path: `${path}/${k}`, message: `${what} takes no "${k}"` });
  return problems;
}

export type LocaleFn = (text: LocaleText | string | undefined, fallback: string) => LocaleText;

export class AutomationNormalizer {
  /** `queries`: whether values may be read from other records and targets found by a query (automations, which run as the system; not record actions, which run as a person). */
  constructor(
    private readonly names: NameResolver,
    private readonly problems: Problem[],
    private readonly locale: LocaleFn,
    private readonly queries = true,
  ) {}

  private field(o: ObjectDef | undefined, name: string, path: string): string {
    return o ? this.names.field(o, name, path) : name;
  }

  trigger(input: AutomationInput['trigger'], o: ObjectDef | undefined, path: string): AutomationTrigger {
    this.problems.push(...shapeProblems(input, triggerShapes[input.kind], `a ${input.kind} trigger`, path, 'AUTOMATION_TRIGGER_INVALID'));
    const out: AutomationTrigger = { kind: input.kind };
    if (recordTriggerKinds.includes(input.kind)) out.timing = input.timing ?? 'afterCommit';
    // field.changed may watch the owner too (a reassignment), the one system column a write changes.
    if (input.fields)
      out.fields = input.fields.map((f, i) => (f === 'owner_id' && input.kind === 'field.changed' ? f : this.field(o, f, `${path}/fields/${i}`)));
    for (const k of ['from', 'to', 'offset', 'direction', 'days'] as const) if (input[k] !== undefined) Object.assign(out, { [k]: input[k] });
    if (input.field !== undefined) out.field = this.field(o, input.field, `${path}/field`);
    if (input.cron !== undefined) {
      out.cron = input.cron.trim();
      const problem = cronProblem(input.cron);
      if (problem) this.problems.push({ code: 'AUTOMATION_CRON_INVALID', path: `${path}/cron`, message: problem });
    }
    if (input.timeZone !== undefined) {
      out.timeZone = input.timeZone;
      if (!isTimeZone(input.timeZone))
        this.problems.push({
          code: 'AUTOMATION_CRON_INVALID',
          path: `${path}/timeZone`,
          message: `"${input.timeZone}" is not a time zone (e.g. Asia/Shanghai)`,
        });
    }
    if (input.kind === 'inactivity' && out.fields)
      out.episodeField = input.episodeField !== undefined ? this.field(o, input.episodeField, `${path}/episodeField`) : out.fields[0];
    return out;
  }

  private values(list: FieldAssignmentInput[] | undefined, o: ObjectDef | undefined, path: string): FieldAssignment[] | undefined {
    if (!list) return undefined;
    const seen = new Set<string>();
    return list.map((a, i) => {
      const p = `${path}/${i}`;
      const field = this.field(o, a.field, `${p}/field`);
      if (seen.has(field)) this.problems.push({ code: 'NAME_DUPLICATE', path: `${p}/field`, message: `field "${a.field}" is set twice` });
      seen.add(field);
      const sources = [a.value, a.formula, a.aggregate].filter((x) => x !== undefined).length;
      if (sources !== 1)
        this.problems.push({
          code: 'AUTOMATION_ACTION_INVALID',
          path: p,
          message: `a value to set has exactly one of "value", "formula"${this.queries ? ' or "aggregate"' : ''}`,
        });
      return {
        field,
        ...(a.value !== undefined ? { value: a.value } : {}),
        ...(a.formula !== undefined ? { formula: a.formula } : {}),
        ...(a.aggregate !== undefined ? { aggregate: this.aggregate(a.aggregate, `${p}/aggregate`) } : {}),
      };
    });
  }

  /** A value read from other records: its object and fields resolved to ids (the filter keeps field names, as conditions do). */
  private aggregate(g: AggregateValueInput, path: string): AggregateValue {
    if (!this.queries) {
      this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path, message: 'only automations (which run as the system) read values from other records' });
      return g as AggregateValue;
    }
    if (typeof g !== 'object' || g === null || Array.isArray(g)) {
      this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path, message: 'an aggregate is { object, op, field?, filter?, sort? }' });
      return g as AggregateValue;
    }
    this.problems.push(...shapeProblems(g, aggregateShape, 'an aggregate', path, 'AUTOMATION_QUERY_INVALID', []));
    const o = typeof g.object === 'string' ? this.names.object(g.object, `${path}/object`) : undefined;
    const out: AggregateValue = { object: o?.id ?? g.object, op: g.op };
    if (!aggregateValueOps.includes(g.op))
      this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/op`, message: `op is one of ${aggregateValueOps.join(', ')}` });
    if (g.field !== undefined) out.field = o ? this.names.field(o, g.field, `${path}/field`, true) : g.field;
    else if (g.op !== 'count') this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/field`, message: `${g.op} needs a field` });
    if (g.filter !== undefined) out.filter = g.filter;
    if (g.sort !== undefined) {
      if (g.op !== 'first') this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/sort`, message: 'only "first" takes a sort' });
      if (!Array.isArray(g.sort))
        this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/sort`, message: 'a sort is a list of { field, direction }' });
      else
        out.sort = g.sort.map((s, i) => {
          const direction = s?.direction ?? 'asc';
          if (direction !== 'asc' && direction !== 'desc')
            this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/sort/${i}/direction`, message: 'asc or desc' });
          return { field: o ? this.names.field(o, String(s?.field), `${path}/sort/${i}/field`, true) : String(s?.field), direction };
        });
    }
    return out;
  }

  /** The object whose fields an action's `values` name: the watched one, a parent, the children's, or a created record's. */
  private written(a: AutomationActionInput, o: ObjectDef | undefined, out: AutomationAction, path: string): ObjectDef | undefined {
    if (a.kind === 'createRecord' && a.object !== undefined) {
      const created = this.names.object(a.object, `${path}/object`);
      out.object = created?.id ?? a.object;
      return created;
    }
    if ((a.kind !== 'updateRecord' && a.kind !== 'addScore') || !a.target) return o;
    const t = a.target;
    if (a.kind === 'addScore' && (t.kind === 'children' || t.kind === 'query')) {
      this.problems.push({ code: 'AUTOMATION_ACTION_INVALID', path: `${path}/target/kind`, message: 'a score is added to the record itself or to its parent' });
      return undefined;
    }
    const shape = targetShapes[t.kind];
    if (!shape) {
      this.problems.push({ code: 'AUTOMATION_ACTION_INVALID', path: `${path}/target/kind`, message: 'a target is self, parent, children or query' });
      return undefined;
    }
    this.problems.push(...shapeProblems(t, shape, `a ${t.kind} target`, `${path}/target`, 'AUTOMATION_ACTION_INVALID'));
    if (t.kind === 'parent' && t.field !== undefined && o) {
      const id = this.field(o, t.field, `${path}/target/field`);
      out.target = { kind: 'parent', field: id };
      const target = o.fields.find((f) => f.id === id)?.options.target;
      return typeof target === 'string' ? this.names.objectById(target) : undefined;
    }
    if (t.kind === 'query') {
      if (!this.queries) {
        this.problems.push({
          code: 'AUTOMATION_QUERY_INVALID',
          path: `${path}/target/kind`,
          message: 'only automations (which run as the system) update records found by a query',
        });
        return undefined;
      }
      const found = t.object !== undefined ? this.names.object(t.object, `${path}/target/object`) : undefined;
      out.target = { kind: 'query', object: found?.id ?? t.object, filter: t.filter };
      return found;
    }
    if (t.kind === 'children' && t.object !== undefined) {
      const child = this.names.object(t.object, `${path}/target/object`);
      out.target = { kind: 'children', object: child?.id ?? t.object, field: t.field === undefined ? '' : this.field(child, t.field, `${path}/target/field`) };
      return child;
    }
    out.target = { kind: t.kind };
    return t.kind === 'self' ? o : undefined;
  }

  /** One action; record actions' steps pass their own code and the extra properties they take (`as`, `when`, …). */
  action(
    a: AutomationActionInput,
    o: ObjectDef | undefined,
    path: string,
    code: ErrorCode = 'AUTOMATION_ACTION_INVALID',
    extra: readonly string[] = [],
  ): AutomationAction {
    this.problems.push(...shapeProblems(a, actionShapes[a.kind], `a ${a.kind} action`, path, code, ['id', 'kind', ...extra]));
    const out: AutomationAction = { id: a.id, kind: a.kind };
    const written = this.written(a, o, out, path);
    const values = this.values(a.values, written, `${path}/values`);
    if (values) out.values = values;
    for (const k of ['message', 'title', 'subject', 'body'] as const) if (a[k] !== undefined) out[k] = this.locale(a[k], a.id);
    for (const k of ['url', 'secretRef', 'provider', 'amount'] as const) if (a[k] !== undefined) Object.assign(out, { [k]: a[k] });
    // addScore's field is on the record it scores (the record itself or its parent).
    if (a.field !== undefined) out.field = this.field(a.kind === 'addScore' ? written : o, a.field, `${path}/field`);
    if (a.to)
      out.to = a.to.map((r, i) => {
        const p = `${path}/to/${i}`;
        this.problems.push(...shapeProblems(r, recipientShapes[r.kind], `a ${r.kind} recipient`, p, 'AUTOMATION_ACTION_INVALID'));
        return { ...r, ...(r.field !== undefined ? { field: this.field(o, r.field, `${p}/field`) } : {}) };
      });
    if (a.strategy) {
      const s = a.strategy;
      this.problems.push(...shapeProblems(s, strategyShapes[s.kind] as Shape, `a ${s.kind} strategy`, `${path}/strategy`, 'AUTOMATION_ACTION_INVALID'));
      out.strategy = { ...s, ...(s.field !== undefined ? { field: this.field(o, s.field, `${path}/strategy/field`) } : {}) };
    }
    return out;
  }

  /** Actions that change the record being written run only before save; the others only after commit or on the clock. */
  timing(automation: Automation, path: string): void {
    const beforeSave = automation.trigger.timing === 'beforeSave';
    automation.actions.forEach((a, i) => {
      const inside = beforeSaveActionKinds.includes(a.kind);
      if (beforeSave && !inside)
        this.problems.push({
          code: 'AUTOMATION_ACTION_TIMING',
          path: `${path}/actions/${i}/kind`,
          message: `${a.kind} runs after the change commits: a beforeSave automation may only set fields or refuse`,
        });
      else if (!beforeSave && inside)
        this.problems.push({
          code: 'AUTOMATION_ACTION_TIMING',
          path: `${path}/actions/${i}/kind`,
          message: `${a.kind} changes the record being written: it needs a record trigger with timing "beforeSave" (use updateRecord after commit)`,
        });
      else if (beforeSave && a.kind === 'setFields' && automation.trigger.kind === 'record.deleted')
        this.problems.push({ code: 'AUTOMATION_ACTION_TIMING', path: `${path}/actions/${i}/kind`, message: 'a record being deleted has no fields to set' });
    });
  }

  automation(input: AutomationInput, path: string): Automation {
    const o = this.names.object(input.object, `${path}/object`);
    const automation: Automation = {
      id: input.id ?? input.name,
      name: input.name,
      label: this.locale(input.label, input.name),
      object: o?.id ?? input.object,
      enabled: input.enabled ?? true,
      trigger: this.trigger(input.trigger, o, `${path}/trigger`),
      actions: input.actions.map((a, i) => this.action(a, o, `${path}/actions/${i}`)),
      runAs: input.runAs ?? 'system',
    };
    if (input.description !== undefined) automation.description = this.locale(input.description, '');
    if (input.condition !== undefined) automation.condition = input.condition;
    if (input.retrigger === true) automation.retrigger = true;
    if (input.owner !== undefined) automation.owner = input.owner;
    const seen = new Set<string>();
    automation.actions.forEach((a, i) => {
      if (seen.has(a.id)) this.problems.push({ code: 'NAME_DUPLICATE', path: `${path}/actions/${i}/id`, message: `action id "${a.id}" is used twice` });
      seen.add(a.id);
    });
    this.timing(automation, path);
    return automation;
  }
}

/**
 * Normalises an app's automations: each part checked against its kind's shape, object and field
 * names resolved to ids, labels as locale maps, record triggers given their timing (default
 * `afterCommit`), actions checked against it. Field types, conditions and formulas are checked
 * by @tangram/fields (`resolveApp`), which knows the field types.
 */
export function normalizeAutomations(inputs: AutomationInput[], names: NameResolver, problems: Problem[], locale: LocaleFn): Automation[] {
  const n = new AutomationNormalizer(names, problems, locale);
  return inputs.map((a, i) => n.automation(a, `/automations/${i}`));
}
