import type { Instance } from '../../api/approvals';

/** What the approval diagram marks: steps open now, steps passed, steps that failed (ids of BPMN elements). */
export interface DiagramMarks {
  current: string[];
  done: string[];
  failed: string[];
  /** The instance has ended (approved): the end events it reached are done too. */
  ended?: boolean;
}

/** Steps open now, steps passed (or approved by someone), steps failed or rejected: what the diagram marks. */
export function diagramMarks(inst: Pick<Instance, 'current' | 'history' | 'tasks' | 'bpmn' | 'status'>): DiagramMarks {
  const current = inst.current.map((c) => c.node);
  const done: string[] = [];
  const failed: string[] = [];
  for (const h of inst.history) {
    if (!h.node) continue;
    if (h.what === 'passed' || h.what === 'timer fired') done.push(h.node);
    if (h.what === 'failed') failed.push(h.node);
  }
  for (const task of inst.tasks) {
    if (task.status === 'approved' && !current.includes(task.node)) done.push(task.node);
    if (task.status === 'rejected' && inst.status === 'rejected') failed.push(task.node);
  }
  // The start event(s): every instance has left its start.
  for (const m of inst.bpmn.matchAll(/<(?:[\w-]+:)?startEvent\b[^>]*\bid="([^"]+)"/g)) if (m[1]) done.push(m[1]);
  return { current, done, failed, ended: inst.status === 'approved' };
}

/** A diagram's nodes and flows as the viewer holds them (BPMN types such as `bpmn:ExclusiveGateway`). */
export interface DiagramGraph {
  nodes: { id: string; type: string }[];
  flows: { from: string; to: string }[];
}

const passThrough = (type: string) => /Gateway$|IntermediateCatchEvent$|IntermediateThrowEvent$/.test(type);
const isEnd = (type: string) => type.endsWith('EndEvent');

/**
 * The nodes the instance went through that leave no history of their own: a gateway (or an
 * intermediate event) between finished steps and the steps open now, and — once the instance is
 * approved — the end events reached from a finished node. Computed to a fixed point, as gateways chain.
 */
export function passedThrough(graph: DiagramGraph, marks: DiagramMarks): string[] {
  const type = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const steps = new Set(marks.done.filter((id) => !marks.current.includes(id)));
  const done = new Set(steps);
  const current = new Set(marks.current);
  const into = (id: string) => graph.flows.filter((f) => f.to === id).map((f) => f.from);
  const outOf = (id: string) => graph.flows.filter((f) => f.from === id).map((f) => f.to);
  const added: string[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of graph.nodes) {
      if (done.has(n.id) || current.has(n.id)) continue;
      if (!into(n.id).some((x) => done.has(x))) continue;
      const t = n.type;
      // A gateway that led on to a step the instance went through did not take its flow straight to an end.
      const leadsOn = (x: string) => passThrough(type.get(x) ?? '') && outOf(x).some((y) => steps.has(y) || current.has(y));
      const through =
        (passThrough(t) && outOf(n.id).some((x) => done.has(x) || current.has(x) || (marks.ended === true && isEnd(type.get(x) ?? '')))) ||
        (isEnd(t) && marks.ended === true && into(n.id).some((x) => done.has(x) && !leadsOn(x)));
      if (!through) continue;
      done.add(n.id);
      added.push(n.id);
      changed = true;
    }
  }
  return added;
}
