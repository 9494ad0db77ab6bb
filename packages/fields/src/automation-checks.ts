import { AppError, type Problem } from '@tangram/errors';
import { type CheckOptions, type ValueKind, checkRule } from '@tangram/logic';
import {
  type AggregateValue,
  type Automation,
  type AutomationAction,
  type Field,
  type ObjectDef,
  numericAggregateOps,
  recordTriggerKinds,
} from '@tangram/metadata';
import { logicSchema, systemFieldKinds } from './logic-schema';
import { lookupSchema } from './lookup-paths';
import { fieldTypes, kindOf } from './registry';
import { normalizeValue, valueProblem } from './values';

/** Variables a record-triggered condition or formula may use; a sweep's condition runs as SQL over the table. */
export const recordRuleVariables = ['$user', '$now', '$previous'];
const sweepRuleVariables = ['$now'];

const isVariable = (rule: unknown): boolean => {
  const v = (rule as { var?: unknown } | null)?.var;
  return typeof rule === 'object' && rule !== null && Object.keys(rule).length === 1 && typeof v === 'string' && v.startsWith('$');
};

/** Problems of a rule checked by the logic package, under `path`. */
export function rulePathProblems(e: unknown, path: string): Problem[] {
  if (!(e instanceof AppError)) throw e;
  const inner = (e.details.problems as Problem[] | undefined) ?? [{ code: e.code, message: e.message }];
  return inner.map((p) => ({ ...p, path: `${path}${p.path && p.path !== '/' ? p.path : ''}` }));
}

/** Checks of one automation that depend on field types: fields fit for their use, conditions and formulas valid. */
export class AutomationChecks {
  readonly problems: Problem[] = [];
  private readonly variables: string[];

  /** `lookups`: conditions and formulas may read lookup paths (`account.level`); automations only (record actions do not load them). */
  constructor(
    private readonly a: Automation,
    private readonly o: ObjectDef,
    private readonly byId: Map<string, ObjectDef>,
    private readonly path: string,
    variables?: string[],
    private readonly lookups = false,
  ) {
    this.variables = variables ?? (recordTriggerKinds.includes(a.trigger.kind) ? recordRuleVariables : sweepRuleVariables);
  }

  /**
   * Checks a rule of the automation (its condition or a formula) at `path`, with its lookup paths
   * when they are allowed; the normalised rule and its kind, or undefined after reporting problems.
   */
  private rule(rule: unknown, path: string, context: CheckOptions['context']): { rule: unknown; kind: ValueKind | 'null' } | undefined {
    const { schema, problems } = this.lookups ? lookupSchema(this.o, this.byId, rule, path) : { schema: logicSchema(this.o), problems: [] };
    this.problems.push(...problems);
    try {
      const checked = checkRule(rule, schema, { context, variables: this.variables });
      return problems.length ? undefined : checked;
    } catch (e) {
      // A lookup path reported above is also unknown to checkRule: reported once.
      const reported = new Set(problems.map((p) => p.path));
      this.problems.push(...rulePathProblems(e, path).filter((p) => !(p.code === 'RULE_FIELD_UNKNOWN' && reported.has(p.path as string))));
      return undefined;
    }
  }

  private unsuitable(path: string, message: string): void {
    this.problems.push({ code: 'AUTOMATION_FIELD_UNSUITABLE', path, message });
  }

  /** The live field `id` of `o`; undefined (reported already by normalizeApp) when there is none. */
  private fieldOf(o: ObjectDef | undefined, id: string | undefined): Field | undefined {
    return o?.fields.find((f) => f.id === id && !f.archived);
  }

  private temporal(id: string | undefined, path: string): void {
    const f = this.fieldOf(this.o, id);
    if (f && !fieldTypes[f.type].temporal) this.unsuitable(path, `"${f.name}" is a ${f.type} field, not a date or datetime field`);
  }

  trigger(): void {
    const t = this.a.trigger;
    const at = `${this.path}/trigger`;
    if (t.kind === 'date.relative') this.temporal(t.field, `${at}/field`);
    if (t.kind === 'inactivity') for (const [i, id] of (t.fields ?? []).entries()) this.temporal(id, `${at}/fields/${i}`);
    if (t.kind !== 'field.changed') return;
    for (const key of ['from', 'to'] as const) {
      const value = t[key];
      if (value === undefined || value === null) continue;
      const watched = (t.fields ?? []).flatMap((id) => this.fieldOf(this.o, id) ?? []);
      const problems = watched.flatMap((f) => {
        const problem = valueProblem(f, value);
        return problem ? [{ code: 'AUTOMATION_TRIGGER_INVALID' as const, path: `${at}/${key}`, message: `not a value of "${f.name}": ${problem}` }] : [];
      });
      this.problems.push(...problems);
      // Compared with stored values, so kept in their form (a datetime in UTC).
      if (!problems.length && watched[0]) t[key] = normalizeValue(watched[0], value);
    }
  }

  condition(): void {
    if (this.a.condition === undefined) return;
    const context = this.variables === recordRuleVariables ? 'validation' : 'filter';
    const checked = this.rule(this.a.condition, `${this.path}/condition`, context);
    if (checked) this.a.condition = checked.rule;
  }

  /** A filter over `o` (an aggregate's or a query target's), checked with the variables it may use; kept in its checked form. */
  private filter(o: ObjectDef, filter: unknown, variables: string[], path: string): unknown {
    try {
      return checkRule(filter, logicSchema(o), { context: 'filter', variables }).rule;
    } catch (e) {
      this.problems.push(...rulePathProblems(e, path));
      return filter;
    }
  }

  /** The kind of value an aggregate gives; undefined when it cannot run (reported). */
  private aggregate(g: AggregateValue, path: string): ValueKind | 'number' | undefined {
    const o = this.byId.get(g.object);
    if (!o) return undefined;
    if (g.filter !== undefined) g.filter = this.filter(o, g.filter, [...this.variables, '$record', '$target'], `${path}/filter`);
    for (const [i, s] of (g.sort ?? []).entries()) {
      const f = this.fieldOf(o, s.field);
      if (f && !fieldTypes[f.type].sortable)
        this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/sort/${i}/field`, message: `a ${f.type} field cannot be sorted on` });
    }
    if (g.op === 'count') return 'number';
    const system = g.field !== undefined && Object.hasOwn(systemFieldKinds, g.field) ? systemFieldKinds[g.field] : undefined;
    const f = this.fieldOf(o, g.field);
    const kind = system ?? (f ? kindOf(f) : undefined);
    if (!kind) {
      if (f) this.problems.push({ code: 'AUTOMATION_QUERY_INVALID', path: `${path}/field`, message: `"${f.name}" (${f.type}) holds no single value to read` });
      return undefined;
    }
    if (numericAggregateOps.includes(g.op) && kind !== 'number') {
      this.problems.push({
        code: 'AUTOMATION_QUERY_INVALID',
        path: `${path}/field`,
        message: `${g.op} needs a number field; "${f?.name ?? g.field}" holds ${kind}`,
      });
      return undefined;
    }
    return g.op === 'first' ? kind : 'number';
  }

  /** The object an action's `values` write to (reported by normalizeApp when it does not exist). */
  private written(action: AutomationAction, path: string): ObjectDef | undefined {
    if (action.kind === 'createRecord') return this.byId.get(action.object ?? '');
    const t = action.target;
    if ((action.kind !== 'updateRecord' && action.kind !== 'addScore') || !t || t.kind === 'self') return this.o;
    if (t.kind === 'query') {
      const found = this.byId.get(t.object ?? '');
      if (found && !found.archived) t.filter = this.filter(found, t.filter, [...this.variables, '$record'], `${path}/target/filter`);
      return found;
    }
    if (t.kind === 'parent') {
      const f = this.fieldOf(this.o, t.field);
      const ref = f && fieldTypes[f.type].reference;
      if (!f) return undefined;
      if (ref?.shape !== 'single' || !ref.toObject) {
        this.problems.push({
          code: 'AUTOMATION_TARGET_INVALID',
          path: `${path}/target/field`,
          message: `"${f.name}" is a ${f.type} field, not a lookup to a parent record`,
        });
        return undefined;
      }
      return this.byId.get(f.options.target as string);
    }
    const child = this.byId.get(t.object ?? '');
    const via = this.fieldOf(child, t.field);
    const ref = via && fieldTypes[via.type].reference;
    if (child && via && (ref?.shape !== 'single' || !ref.toObject || via.options.target !== this.o.id))
      this.problems.push({
        code: 'AUTOMATION_TARGET_INVALID',
        path: `${path}/target/field`,
        message: `"${via.name}" must be a lookup or master-detail field of "${child.name}" pointing at "${this.o.name}"`,
      });
    return child;
  }

  private values(action: AutomationAction, path: string): void {
    const target = this.written(action, path);
    action.values?.forEach((v, i) => {
      const at = `${path}/values/${i}`;
      const f = this.fieldOf(target, v.field);
      if (!f) return;
      const type = fieldTypes[f.type];
      if (type.computed) {
        this.unsuitable(`${at}/field`, `"${f.name}" is computed (${f.type}): it cannot be set`);
        return;
      }
      if (v.value !== undefined && v.value !== null) {
        const problem = valueProblem(f, v.value);
        if (problem) this.problems.push({ code: 'AUTOMATION_ACTION_INVALID', path: `${at}/value`, message: `not a value of "${f.name}": ${problem}` });
      }
      if (v.aggregate !== undefined) {
        const kind = this.aggregate(v.aggregate, `${at}/aggregate`);
        const expected = kindOf(f);
        if (kind && expected && kind !== expected && expected !== 'text')
          this.problems.push({
            code: 'AUTOMATION_QUERY_INVALID',
            path: `${at}/aggregate`,
            message: `the aggregate gives ${kind}; "${f.name}" holds ${expected}`,
          });
      }
      if (v.formula === undefined) return;
      const checked = this.rule(v.formula, `${at}/formula`, 'formula');
      if (!checked) return;
      const { rule, kind } = checked;
      v.formula = rule;
      const expected = kindOf(f);
      // A bare variable (`$created.account`, `$input.amount`) has no type before it runs: its value is checked as input then.
      if (kind !== 'null' && expected && kind !== expected && !(expected === 'text' && kind !== 'json') && !isVariable(rule))
        this.problems.push({ code: 'RULE_TYPE_MISMATCH', path: `${at}/formula`, message: `the formula gives ${kind}; "${f.name}" holds ${expected}` });
    });
  }

  action(action: AutomationAction, i: number): void {
    const path = `${this.path}/actions/${i}`;
    this.values(action, path);
    action.to?.forEach((r, j) => {
      const f = r.kind === 'userField' ? this.fieldOf(this.o, r.field) : undefined;
      if (f && f.type !== 'user') this.unsuitable(`${path}/to/${j}/field`, `"${f.name}" is a ${f.type} field, not a user field`);
    });
    if (action.kind === 'addScore') {
      const f = this.fieldOf(this.written(action, path), action.field);
      if (f && (kindOf(f) !== 'number' || fieldTypes[f.type].computed))
        this.unsuitable(`${path}/field`, `"${f.name}" is a ${f.type} field: a score is a number field that can be written`);
    }
    if (action.strategy?.kind === 'mapping') {
      const f = this.fieldOf(this.o, action.strategy.field);
      if (f && kindOf(f) !== 'text') this.unsuitable(`${path}/strategy/field`, `"${f.name}" is a ${f.type} field: a mapping reads a text or select field`);
    }
  }
}

/** Every automation's type-dependent problems, each with its path (`/automations/0/actions/1/field`). */
export function automationProblems(automations: Automation[], byId: Map<string, ObjectDef>): Problem[] {
  return automations.flatMap((a, i) => {
    const o = byId.get(a.object);
    if (!o || o.archived) return [];
    const checks = new AutomationChecks(a, o, byId, `/automations/${i}`, undefined, true);
    checks.trigger();
    checks.condition();
    for (const [j, action] of a.actions.entries()) checks.action(action, j);
    return checks.problems;
  });
}
