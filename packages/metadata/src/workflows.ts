import type { Problem } from '@tangram/errors';
import { AutomationNormalizer, type LocaleFn, type NameResolver } from './automations';
import type { Process } from './process';
import { type AutomationActionInput, type ObjectDef, type Workflow, type WorkflowInput, type WorkflowStatus, workflowStatuses } from './types';

// Workflows: names, ids, labels and defaults. The process is read from `bpmn` at publish
// (@tangram/bpmn is asynchronous, normalize is not): here it is the one the input carries when it
// is published metadata read back, or an empty one; the engine's publish replaces it. Field types
// (the status field is a select, its values are options) are checked by @tangram/fields.

/** An empty process: what a workflow holds until publish reads its diagram. */
const unread = (name: string): Process => ({ id: name, nodes: [], flows: [] });

const isProcess = (p: unknown): p is Process =>
  typeof p === 'object' && p !== null && Array.isArray((p as Process).nodes) && Array.isArray((p as Process).flows) && typeof (p as Process).id === 'string';

/**
 * A service task's actions (tg:actions) take the automation action shapes: checked and their
 * field names resolved to ids like an automation's (problems at /workflows/<i>/bpmn/<task id>/actions/<j>).
 */
function serviceTaskActions(process: Process, o: ObjectDef | undefined, n: AutomationNormalizer, path: string): Process {
  if (!process.nodes.some((x) => x.kind === 'serviceTask' && x.actions?.length)) return process;
  return {
    ...process,
    nodes: process.nodes.map((x) =>
      x.kind === 'serviceTask' && x.actions?.length
        ? { ...x, actions: x.actions.map((a, j) => n.action(a as AutomationActionInput, o, `${path}/bpmn/${x.id}/actions/${j}`, 'WORKFLOW_INVALID')) }
        : x,
    ),
  };
}

export function normalizeWorkflows(inputs: WorkflowInput[], names: NameResolver, problems: Problem[], locale: LocaleFn): Workflow[] {
  const actions = new AutomationNormalizer(names, problems, locale, false);
  return inputs.map((w, i) => {
    const path = `/workflows/${i}`;
    const o = names.object(w.object, `${path}/object`);
    const process = (w as WorkflowInput & { process?: unknown }).process;
    const out: Workflow = {
      id: w.id ?? w.name,
      name: w.name,
      label: locale(w.label, w.name),
      object: o?.id ?? w.object,
      bpmn: w.bpmn,
      process: isProcess(process) ? serviceTaskActions(process, o, actions, path) : unread(w.name),
      statusValues: {},
      start: { button: w.start?.button ?? true, onCreate: w.start?.onCreate ?? false },
      enabled: w.enabled ?? true,
    };
    if (w.description !== undefined) out.description = locale(w.description, '');
    if (w.statusField !== undefined) out.statusField = o ? names.field(o, w.statusField, `${path}/statusField`) : w.statusField;
    if (w.statusValues && w.statusField === undefined)
      problems.push({ code: 'WORKFLOW_STATUS_FIELD_INVALID', path: `${path}/statusValues`, message: 'status values need a statusField to set' });
    for (const s of workflowStatuses) {
      const v = w.statusValues?.[s as WorkflowStatus];
      if (v !== undefined) out.statusValues[s] = v;
    }
    if (w.start?.when !== undefined) out.start.when = w.start.when;
    return out;
  });
}
