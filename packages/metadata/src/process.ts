import { AppError, type Problem } from '@tangram/errors';

// A process as the interpreter reads it (step.ts): nodes and sequence flows of the supported
// BPMN subset. The modeler's .bpmn files are read into this shape; the interpreter never sees XML.

/** Who approves a step: the automation recipient kinds plus the submitter's manager chain and a choice by the approver before (engine/src/workflows/approvers.ts). */
export const approverKinds = ['users', 'role', 'owner', 'ownerManager', 'userField', 'departmentHead', 'managerChain', 'chosen'] as const;
export type ApproverKind = (typeof approverKinds)[number];

/** 或签 any one · 会签 all · 依次 in order · ratio: at least `ratio` of the approvers. */
export type ApprovalMode = 'any' | 'all' | 'sequential' | 'ratio';

export interface StartNode {
  id: string;
  kind: 'start';
  name?: string;
}

export interface EndNode {
  id: string;
  kind: 'end';
  name?: string;
}

/** An approval step: one task per approver (the host resolves who: users, a role, a department head, a user field…). */
export interface UserTaskNode {
  id: string;
  kind: 'userTask';
  mode: ApprovalMode;
  /** ratio mode: the share of the approvers that must approve (0 < ratio ≤ 1). */
  ratio?: number;
  /** Who approves, as the host resolves it (opaque to the interpreter). */
  approvers?: unknown;
  /** When the approvers resolve to nobody: pass the step, give it to the tenant's admins, or refuse the command. */
  whenNobody?: 'approve' | 'admins' | 'refuse';
  /** A rejection ends the instance (rejected) or returns it to the submitter to change and resubmit. */
  onReject?: 'end' | 'submitter';
  /** Approve at once a task of the submitter, or of someone who already approved in this instance. */
  autoApprove?: { submitter?: boolean; repeated?: boolean };
  /** After `minutes` open: remind the approvers, or decide for them. */
  timeout?: { minutes: number; action: 'remind' | 'approve' | 'reject' };
  /** What the step's approvers may do with each field while the task is open (fields not named: read). */
  fields?: Record<string, StepFieldAccess>;
  /** Display name (the modeler's label). */
  name?: string;
}

/** Per-step field access: hidden from the approver, read only, or editable while the record is otherwise locked. */
export type StepFieldAccess = 'hidden' | 'read' | 'edit';

/** Runs the automation action library's actions (the host does, in the command's transaction). */
export interface ServiceTaskNode {
  id: string;
  kind: 'serviceTask';
  name?: string;
  actions?: unknown[];
}

export interface GatewayNode {
  id: string;
  kind: 'exclusive' | 'parallel' | 'inclusive';
  name?: string;
}

/** An intermediate timer: the token waits `minutes`. */
export interface TimerNode {
  id: string;
  kind: 'timer';
  name?: string;
  minutes: number;
}

export type ProcessNode = StartNode | EndNode | UserTaskNode | ServiceTaskNode | GatewayNode | TimerNode;

export interface Flow {
  id: string;
  from: string;
  to: string;
  /** JSON Logic over the record (gateways' outgoing flows only). */
  condition?: unknown;
  /** Taken when no condition of the gateway's other flows holds. */
  default?: boolean;
}

export interface Process {
  id: string;
  nodes: ProcessNode[];
  flows: Flow[];
  /** 撤回 after a first approval (before it, the submitter may always withdraw). */
  withdrawAfterApproval?: boolean;
}

const gateways = new Set(['exclusive', 'parallel', 'inclusive']);
export const isGateway = (n: ProcessNode): n is GatewayNode => gateways.has(n.kind);

/** A process with its lookups: nodes by id, flows out of and into each node, and what each node can reach. */
export interface Graph {
  process: Process;
  node: Map<string, ProcessNode>;
  outgoing: Map<string, Flow[]>;
  incoming: Map<string, Flow[]>;
  /** Nodes reachable from each node (itself excluded unless on a cycle). */
  reach: Map<string, Set<string>>;
  start: StartNode;
}

/**
 * Checks a process against the subset and returns its graph: one start, ids unique, flows between
 * known nodes, every node reachable from the start and able to reach an end, one flow out of a
 * start, task or timer, at least one into every node but the start, conditions only on a
 * gateway's outgoing flows, at most one default per gateway, ratio in (0, 1].
 * @throws AppError WORKFLOW_INVALID with every problem and its path
 */
export function compileProcess(p: Process): Graph {
  const problems: Problem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 'WORKFLOW_INVALID', path, message });
  const node = new Map<string, ProcessNode>();
  p.nodes.forEach((n, i) => {
    if (node.has(n.id)) bad(`/nodes/${i}/id`, `the id "${n.id}" is used twice`);
    node.set(n.id, n);
  });
  const outgoing = new Map<string, Flow[]>(p.nodes.map((n) => [n.id, []]));
  const incoming = new Map<string, Flow[]>(p.nodes.map((n) => [n.id, []]));
  p.flows.forEach((f, i) => {
    const [from, to] = [node.get(f.from), node.get(f.to)];
    if (!from) bad(`/flows/${i}/from`, `no node "${f.from}"`);
    if (!to) bad(`/flows/${i}/to`, `no node "${f.to}"`);
    if (!from || !to) return;
    outgoing.get(f.from)?.push(f);
    incoming.get(f.to)?.push(f);
    if ((f.condition !== undefined || f.default) && !isGateway(from) && from.kind !== 'start')
      bad(`/flows/${i}`, 'only the flows out of an exclusive or inclusive gateway have conditions or a default');
    if ((f.condition !== undefined || f.default) && from.kind === 'parallel') bad(`/flows/${i}`, 'a parallel gateway takes every flow: no conditions');
  });
  const starts = p.nodes.filter((n): n is StartNode => n.kind === 'start');
  if (starts.length !== 1) bad('/nodes', `a process has one start event (found ${starts.length})`);
  p.nodes.forEach((n, i) => {
    const [outs, ins] = [outgoing.get(n.id) ?? [], incoming.get(n.id) ?? []];
    if (n.kind === 'end' && outs.length) bad(`/nodes/${i}`, 'an end event has no outgoing flow');
    if (!isGateway(n) && n.kind !== 'end' && outs.length !== 1)
      bad(`/nodes/${i}`, `${n.kind} "${n.id}" needs exactly one outgoing flow (split with a gateway)`);
    if (isGateway(n) && !outs.length) bad(`/nodes/${i}`, `gateway "${n.id}" has no outgoing flow`);
    if (n.kind !== 'start' && !ins.length) bad(`/nodes/${i}`, `"${n.id}" has no incoming flow`);
    if (n.kind === 'start' && ins.length) bad(`/nodes/${i}`, 'a start event has no incoming flow');
    if (isGateway(n) && outs.filter((f) => f.default).length > 1) bad(`/nodes/${i}`, `gateway "${n.id}" has more than one default flow`);
    if (n.kind === 'userTask') {
      if (n.mode === 'ratio' && !(typeof n.ratio === 'number' && n.ratio > 0 && n.ratio <= 1)) bad(`/nodes/${i}/ratio`, 'a ratio step needs a ratio in (0, 1]');
      if (n.timeout && !(Number.isFinite(n.timeout.minutes) && n.timeout.minutes > 0))
        bad(`/nodes/${i}/timeout/minutes`, 'a timeout is a positive number of minutes');
    }
    if (n.kind === 'timer' && !(Number.isFinite(n.minutes) && n.minutes >= 0)) bad(`/nodes/${i}/minutes`, 'a timer waits zero or more minutes');
  });
  if (problems.length) throw AppError.problems('WORKFLOW_INVALID', problems);
  const reach = new Map<string, Set<string>>();
  for (const n of p.nodes) {
    const seen = new Set<string>();
    const todo = (outgoing.get(n.id) ?? []).map((f) => f.to);
    while (todo.length) {
      const id = todo.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const f of outgoing.get(id) ?? []) todo.push(f.to);
    }
    reach.set(n.id, seen);
  }
  const start = starts[0] as StartNode;
  p.nodes.forEach((n, i) => {
    if (n.kind !== 'start' && !reach.get(start.id)?.has(n.id)) bad(`/nodes/${i}`, `"${n.id}" cannot be reached from the start`);
    if (n.kind !== 'end' && ![...(reach.get(n.id) ?? [])].some((id) => node.get(id)?.kind === 'end'))
      bad(`/nodes/${i}`, `no end event can be reached from "${n.id}"`);
  });
  if (problems.length) throw AppError.problems('WORKFLOW_INVALID', problems);
  return { process: p, node, outgoing, incoming, reach, start };
}
