import type { Problem } from '@tangram/errors';
import { checkRule } from '@tangram/logic';
import type { Automation, AutomationAction, ObjectDef, RecordAction } from '@tangram/metadata';
import { AutomationChecks, rulePathProblems } from './automation-checks';
import { logicSchema } from './logic-schema';

/** Variables of a record action's condition (shown before any input), of a step's `when`, and of its formulas. */
export const recordActionConditionVariables = ['$user', '$now'];
export const recordActionStepVariables = ['$user', '$now', '$input', '$created'];

/** Every record action's type-dependent problems: its condition, each step's `when`, values and formulas. */
export function recordActionProblems(actions: RecordAction[], byId: Map<string, ObjectDef>): Problem[] {
  return actions.flatMap((a, i) => {
    const o = byId.get(a.object);
    if (!o || o.archived) return [];
    const path = `/recordActions/${i}`;
    const problems: Problem[] = [];
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
