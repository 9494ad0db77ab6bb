import type { Instance } from '../../api/approvals';

/** What the approval diagram marks: steps open now, steps passed, steps that failed (ids of BPMN elements). */
export interface DiagramMarks {
  current: string[];
  done: string[];
  failed: string[];
}

/** Steps open now, steps passed (or approved by someone), steps failed or rejected: what the diagram marks. */
export function diagramMarks(inst: Pick<Instance, 'current' | 'history' | 'tasks' | 'bpmn' | 'status'>): DiagramMarks {
  const current = inst.current.map((c) => c.node);
  const done: string[] = [];
  const failed: string[] = [];
  for (const h of inst.history) {
    if (!h.node) continue;
    if (h.what === 'passed') done.push(h.node);
    if (h.what === 'failed') failed.push(h.node);
  }
  for (const task of inst.tasks) {
    if (task.status === 'approved' && !current.includes(task.node)) done.push(task.node);
    if (task.status === 'rejected' && inst.status === 'rejected') failed.push(task.node);
  }
  // The start event(s): every instance has left its start.
  for (const m of inst.bpmn.matchAll(/<(?:[\w-]+:)?startEvent\b[^>]*\bid="([^"]+)"/g)) if (m[1]) done.push(m[1]);
  return { current, done, failed };
}
