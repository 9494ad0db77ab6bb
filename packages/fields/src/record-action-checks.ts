import type { Problem } from '@tangram/errors';
import { checkRule } from '@tangram/logic';
import type { Automation, AutomationAction, Field, ObjectDef, RecordAction, RecordActionInputField } from '@tangram/metadata';
import { AutomationChecks, rulePathProblems } from './automation-checks';
import { logicSchema } from './logic-schema';
import { valueProblem } from './values';

/** Variables of a record action's condition (shown before any input), of a step's `when`, and of its formulas. */
export const recordActionConditionVariables = ['$user', '$now'];
export const recordActionStepVariables = ['$user', '$now', '$input', '$created'];

/**
 * An input of a record action's form as a field of its type, so the field types check its values
 * (the engine) and their widgets edit it (the web app).
 * @example valueProblem(inputAsField({ name: 'amount', type: 'currency', label: {}, required: false }), -1)
 */
export function inputAsField(f: RecordActionInputField): Field {
  return {
    id: f.name,
    name: f.name,
    type: f.type,
    label: f.label,
    required: f.required,
    unique: false,
    indexed: false,
    options: f.options ? { options: f.options } : {},
    archived: false,
  };
}

/** A select input needs its choices, other inputs take none; a default must be a value of the input. */
function inputProblems(a: RecordAction, path: string): Problem[] {
  return a.input.flatMap((f, j): Problem[] => {
    const at = `${path}/input/${j}`;
    if ((f.type === 'select') !== (f.options !== undefined))
      return [
        {
          code: 'RECORD_ACTION_INPUT_FIELD_INVALID',
          path: `${at}/options`,
          message: f.type === 'select' ? 'a select input needs "options"' : `a ${f.type} input takes no "options"`,
        },
      ];
    const problem = f.defaultValue === undefined || f.defaultValue === null ? undefined : valueProblem(inputAsField(f), f.defaultValue);
    return problem ? [{ code: 'RECORD_ACTION_INPUT_FIELD_INVALID', path: `${at}/defaultValue`, message: `not a value of "${f.name}": ${problem}` }] : [];
  });
}

/** Every record action's type-dependent problems: its condition, each step's `when`, values and formulas. */
export function recordActionProblems(actions: RecordAction[], byId: Map<string, ObjectDef>): Problem[] {
  return actions.flatMap((a, i) => {
    const o = byId.get(a.object);
    if (!o || o.archived) return [];
    const path = `/recordActions/${i}`;
    const problems: Problem[] = inputProblems(a, path);
    const check = (rule: unknown, at: string, variables: string[]): unknown => {
      try {
        return checkRule(rule, logicSchema(o), { context: 'validation', variables }).rule;
      } catch (e) {
        problems.push(...rulePathProblems(e, at));
        return rule;
      }
    };
    if (a.condition !== undefined) a.condition = check(a.condition, `${path}/condition`, recordActionConditionVariables);
    // The steps' values are checked as an automation's actions are, with the step variables.
    const host = { trigger: { kind: 'record.updated' }, actions: [] } as unknown as Automation;
    const checks = new AutomationChecks(host, o, byId, path, recordActionStepVariables);
    for (const [j, step] of a.actions.entries()) {
      if (step.when !== undefined) step.when = check(step.when, `${path}/actions/${j}/when`, recordActionStepVariables);
      checks.action(step as unknown as AutomationAction, j);
    }
    return [...problems, ...checks.problems];
  });
}
