import type { Workflow } from '@tangram/metadata';
import type { Flow, Process, ProcessNode, UserTaskNode } from './process';
import type { Instance, StepEnv } from './step';

// Processes for the interpreter's tests: a line of nodes written as `a -> b -> c`, and an
// environment whose approvers come from a table by step id and whose conditions read a record.

/** Flows from `a -> b -> c` lines; `x -[cond]-> y` puts a condition on the flow, `x -*-> y` makes it the default. */
export function flows(lines: string[], conditions: Record<string, unknown> = {}): Flow[] {
  const out: Flow[] = [];
  for (const line of lines) {
    const parts = line.split(/\s*(-\[[a-z0-9_]+\]->|-\*->|->)\s*/);
    for (let i = 0; i + 2 < parts.length; i += 2) {
      const [from, arrow, to] = [parts[i] as string, parts[i + 1] as string, parts[i + 2] as string];
      const flow: Flow = { id: `${from}_${to}`, from, to };
      const named = /^-\[([a-z0-9_]+)\]->$/.exec(arrow)?.[1];
      if (named) flow.condition = conditions[named];
      if (arrow === '-*->') flow.default = true;
      out.push(flow);
    }
  }
  return out;
}

export const task = (id: string, mode: UserTaskNode['mode'] = 'any', more: Partial<UserTaskNode> = {}): UserTaskNode => ({
  id,
  kind: 'userTask',
  mode,
  ...more,
});

export function process(nodes: ProcessNode[], lines: string[], conditions: Record<string, unknown> = {}, more: Partial<Process> = {}): Process {
  return { id: 'p', nodes: [{ id: 'start', kind: 'start' }, { id: 'end', kind: 'end' }, ...nodes], flows: flows(lines, conditions), ...more };
}

/** Conditions are `{ "var": "<flag>" }` over `record`; approvers by step id. */
export function environment(approvers: Record<string, string[]>, record: Record<string, unknown> = {}, now = new Date('2026-12-07T01:00:00Z')): StepEnv {
  return {
    now,
    approvers: (n) => approvers[n.id] ?? [],
    admins: ['admin'],
    holds: (c) => Boolean(record[(c as { var: string }).var]),
  };
}

/** The open tasks of an instance as `step:assignee`. */
export const openTasks = (m: Instance) =>
  m.tasks
    .filter((t) => t.status === 'open')
    .map((t) => `${t.node}:${t.assignee}`)
    .sort();

export const taskOf = (m: Instance, node: string, assignee: string) => {
  const t = m.tasks.find((x) => x.node === node && x.assignee === assignee && x.status === 'open');
  if (!t) throw new Error(`no open task of ${assignee} at ${node}: ${openTasks(m).join(', ')}`);
  return t.id;
};

/**
 * A published workflow as publish would resolve it (object and status field by id), for engine
 * tests written before the metadata's `workflows` section could be published.
 */
export function workflowOf(
  om: { id: string; byName: Map<string, { column: string }> },
  p: Process,
  more: Partial<Omit<Workflow, 'statusField'>> & { statusField?: string } = {},
): Workflow {
  const { statusField, ...rest } = more;
  return {
    id: `wf_${p.id}`,
    name: p.id,
    label: { en: p.id },
    object: om.id,
    bpmn: `<bpmn:definitions id="${p.id}"/>`,
    process: p,
    statusValues: {},
    start: { button: true, onCreate: false },
    enabled: true,
    ...rest,
    ...(statusField ? { statusField: om.byName.get(statusField)?.column ?? statusField } : {}),
  };
}

/** Puts workflows into a tenant's current model, as a publish of them would (before its first write of the objects concerned). */
export async function installWorkflows(te: { model(): Promise<{ app: { workflows: Workflow[] } }> }, workflows: Workflow[]): Promise<void> {
  (await te.model()).app.workflows = workflows;
}
