import type { Problem } from '@tangram/errors';
import { checkRule } from '@tangram/logic';
import { type Automation, type AutomationAction, type AutomationActionKind, type ObjectDef, serviceTaskActionKinds, type Workflow } from '@tangram/metadata';
import { AutomationChecks, rulePathProblems } from './automation-checks';
import { logicSchema } from './logic-schema';
import { activeKeys } from './types/select-options';

/** Variables of a workflow's start condition and of its sequence flows' conditions (besides the record's fields). */
export const workflowConditionVariables = ['$user', '$now'];

/**
 * Every workflow's type-dependent problems: its status field is a select field and its status
 * values are options of it; in the process (read from the diagram at publish), the fields a step
 * names (tg:fields), user-field approvers and the flows' conditions fit the object. Paths:
 * `/workflows/<i>/statusField`, `/workflows/<i>/statusValues/<status>`, `/workflows/<i>/start/when`,
 * `/workflows/<i>/bpmn/<element id>`.
 */
export function workflowProblems(workflows: Workflow[], byId: Map<string, ObjectDef>): Problem[] {
  return workflows.flatMap((w, i) => {
    const o = byId.get(w.object);
    if (!o || o.archived) return [];
    const path = `/workflows/${i}`;
    const problems: Problem[] = [];
    const active = o.fields.filter((f) => !f.archived);
    const byName = (name: string) => active.find((f) => f.name === name);
    const check = (rule: unknown, at: string): unknown => {
      try {
        return checkRule(rule, logicSchema(o), { context: 'validation', variables: workflowConditionVariables }).rule;
      } catch (e) {
        problems.push(...rulePathProblems(e, at));
        return rule;
      }
    };
    const status = w.statusField !== undefined ? active.find((f) => f.id === w.statusField) : undefined;
    if (status && status.type !== 'select')
      problems.push({
        code: 'WORKFLOW_STATUS_FIELD_INVALID',
        path: `${path}/statusField`,
        message: `"${status.name}" is a ${status.type} field, not a select field`,
      });
    if (status && status.type === 'select') {
      const keys = activeKeys(status);
      for (const [s, v] of Object.entries(w.statusValues))
        if (v !== undefined && !keys.includes(v))
          problems.push({
            code: 'WORKFLOW_STATUS_FIELD_INVALID',
            path: `${path}/statusValues/${s}`,
            message: `"${v}" is not an option of "${status.name}" (${keys.join(', ')})`,
          });
    }
    if (w.start.when !== undefined) w.start.when = check(w.start.when, `${path}/start/when`);
    for (const n of w.process.nodes) {
      if (n.kind !== 'userTask') continue;
      const at = `${path}/bpmn/${n.id}`;
      for (const name of Object.keys(n.fields ?? {}))
        if (!byName(name)) problems.push({ code: 'WORKFLOW_FIELD_INVALID', path: at, message: `tg:fields names no field "${name}" of ${o.name}` });
      for (const r of Array.isArray(n.approvers) ? (n.approvers as { kind?: string; field?: unknown }[]) : []) {
        if (r?.kind !== 'userField') continue;
        const f = typeof r.field === 'string' ? byName(r.field) : undefined;
        if (!f) problems.push({ code: 'WORKFLOW_FIELD_INVALID', path: at, message: `the approvers' user field "${String(r.field)}" is no field of ${o.name}` });
        else if (f.type !== 'user') problems.push({ code: 'WORKFLOW_FIELD_INVALID', path: at, message: `"${f.name}" is a ${f.type} field, not a user field` });
      }
    }
    for (const f of w.process.flows) if (f.condition !== undefined) f.condition = check(f.condition, `${path}/bpmn/${f.id}`);
    // A service task's actions are checked as an after-save automation's on the object (they run on the record).
    const host = { trigger: { kind: 'record.updated', timing: 'after' }, actions: [] } as unknown as Automation;
    for (const n of w.process.nodes) {
      if (n.kind !== 'serviceTask' || !n.actions?.length) continue;
      const checks = new AutomationChecks(host, o, byId, `${path}/bpmn/${n.id}`, workflowConditionVariables);
      for (const [j, a] of n.actions.entries()) {
        checks.action(a as AutomationAction, j);
        const kind = (a as { kind?: unknown } | null)?.kind;
        if (typeof kind === 'string' && !serviceTaskActionKinds.includes(kind as AutomationActionKind))
          problems.push({
            code: 'WORKFLOW_INVALID',
            path: `${path}/bpmn/${n.id}/actions/${j}/kind`,
            message: `a service task runs ${serviceTaskActionKinds.join(', ')} actions, not "${kind.slice(0, 40)}"`,
          });
      }
      problems.push(...checks.problems);
    }
    return problems;
  });
}
