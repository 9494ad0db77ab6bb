import type { WorkflowInput } from '@tangram/metadata';
import { type DesignDoc, namedList, putNamed } from '../designer-core';

/** The draft's workflows (designer → 流程), a named list like the buttons and automations. */
export const workflowsOf = (doc: DesignDoc): WorkflowInput[] => namedList<WorkflowInput>(doc, 'workflows');
export const putWorkflow = (before: WorkflowInput | undefined, after: WorkflowInput | undefined) => putNamed('workflows', 'workflow.put', before, after);

export function freeWorkflowName(doc: DesignDoc): string {
  const used = new Set(workflowsOf(doc).map((w) => w.name));
  for (let i = 1; ; i++) if (!used.has(`workflow_${i}`)) return `workflow_${i}`;
}
