import { AppError } from '@tangram/errors';
import type { Flow, Graph, ProcessNode, UserTaskNode } from './process';

// The process interpreter: a pure `step(graph, instance, command, env) → { instance, effects }`
// over the subset of process.ts (docs/adr/0013-process-interpreter.md). Wait states are user tasks
// and timers; everything between two wait states happens inside one command. A command either
// applies whole or throws a WORKFLOW_* AppError and changes nothing, so the host can run it in
// one transaction with the instance row locked and persist the result as rows.

export type InstanceStatus = 'running' | 'returned' | 'approved' | 'rejected' | 'withdrawn';
export const endedStatuses: ReadonlySet<InstanceStatus> = new Set(['approved', 'rejected', 'withdrawn']);

export interface Token {
  id: string;
  node: string;
  /** The flow it came by (a join counts arrivals per incoming flow). */
  via?: string;
}

export type TaskStatus = 'open' | 'waiting' | 'approved' | 'rejected' | 'returned' | 'transferred' | 'cancelled';
const closed: ReadonlySet<TaskStatus> = new Set(['approved', 'rejected', 'returned', 'transferred', 'cancelled']);
/** Whether a task is done with: decided, handed on or cancelled. */
export const isClosed = (t: Pick<Task, 'status'>): boolean => closed.has(t.status);

export interface Task {
  id: string;
  node: string;
  /** The token the step belongs to (a resubmit task has none). */
  token?: string;
  assignee: string;
  status: TaskStatus;
  /** approve: an approver's task; resubmit: the submitter's, after a rejection returned the instance. */
  kind: 'approve' | 'resubmit';
  /** Order within the step (依次 opens them one by one). */
  order: number;
  /** 加签: a signer added before (the task waits until they approve) or after (the step waits for them too). */
  extra?: 'before' | 'after';
  /** For a signer added before: the task that reopens once they approve. */
  reopens?: string;
  /** Decided by the process, not by a person: why. */
  auto?: 'submitter' | 'repeated' | 'timeout';
}

export interface Timer {
  id: string;
  node: string;
  token: string;
  due: string;
  /** timer: an intermediate timer event; timeout: an approval step's timeout. */
  kind: 'timer' | 'timeout';
}

export interface HistoryEntry {
  at: string;
  by: string | null;
  what: string;
  node?: string;
  task?: string;
  to?: string;
  comment?: string;
  /** Files (`_file` ids) attached to the entry (the host attaches them to the first entry its command writes by the person acting). */
  files?: string[];
}

export interface Instance {
  status: InstanceStatus;
  submitter: string;
  /** The last id given (ids are `<prefix><seq>`, unique within the instance). */
  seq: number;
  tokens: Token[];
  tasks: Task[];
  timers: Timer[];
  history: HistoryEntry[];
}

export type Command =
  /**
   * `next`: the approvers of the next step when its rule is `{ "kind": "chosen" }` (chosen by the
   * previous approver); the host reads it when it resolves that step's approvers.
   */
  | { kind: 'approve'; task: string; by: string; comment?: string; next?: string[] }
  | { kind: 'reject'; task: string; by: string; comment?: string }
  /** 退回: back to an approval step the instance passed. */
  | { kind: 'return'; task: string; by: string; to: string; comment?: string }
  /** 加签 */
  | { kind: 'addSigner'; task: string; by: string; signer: string; position: 'before' | 'after'; comment?: string }
  /** 转交 */
  | { kind: 'transfer'; task: string; by: string; to: string; comment?: string }
  /** 撤回 (the submitter) */
  | { kind: 'withdraw'; by: string; comment?: string }
  /** The submitter sends a returned instance again. */
  | { kind: 'resubmit'; task: string; by: string; comment?: string }
  /** 催办 (the submitter) */
  | { kind: 'remind'; by: string }
  /** 抄送 */
  | { kind: 'cc'; by: string; users: string[] }
  | { kind: 'comment'; by: string; text: string }
  | { kind: 'fireTimer'; timer: string };

/** What the host does after (or in) the command's transaction. */
export type Effect =
  | { kind: 'notify'; to: string[]; what: 'task' | 'cc' | 'remind' | 'timeout' | 'outcome'; task?: string; node?: string }
  /** A service task's actions, on the record, in the command's transaction. */
  | { kind: 'actions'; node: string }
  /** The instance's status changed: the host sets the record's status field and its lock. */
  | { kind: 'status'; status: InstanceStatus };

export interface StepEnv {
  now: Date;
  /** A step's approvers for this instance, in order (依次 opens them in that order). */
  approvers(node: UserTaskNode, instance: Instance): string[];
  /** The tenant's admins: a step whose approvers resolve to nobody goes to them when so set. */
  admins: readonly string[];
  /** Whether a flow's JSON Logic condition holds for the record. */
  holds(condition: unknown): boolean;
  /**
   * A token reached a service task, the `index`-th this command reached: the host may run its
   * actions now (by throwing to run them and running the command again from the same input), so
   * that the flows after it read the record as the actions left it.
   */
  serviceTask?(node: string, index: number): void;
}

/** The most nodes a command may pass through: more is a loop without a wait state (e.g. a loop whose steps all approve themselves). */
const maxArrivals = 500;

class Run {
  readonly effects: Effect[] = [];
  private arrivals = 0;
  private serviceTasks = 0;
  constructor(
    readonly g: Graph,
    readonly m: Instance,
    readonly env: StepEnv,
  ) {}

  private id(prefix: string): string {
    this.m.seq += 1;
    return `${prefix}${this.m.seq}`;
  }

  log(by: string | null, what: string, extra: Omit<HistoryEntry, 'at' | 'by' | 'what'> = {}): void {
    this.m.history.push({ at: this.env.now.toISOString(), by, what, ...extra });
  }

  private node(id: string): ProcessNode {
    return this.g.node.get(id) as ProcessNode;
  }

  /** A token enters the process at its start. */
  begin(): void {
    const token = { id: this.id('k'), node: this.g.start.id };
    this.m.tokens.push(token);
    this.arrive(token);
    this.settle();
  }

  private move(token: Token, flow: Flow): void {
    token.node = flow.to;
    token.via = flow.id;
    this.arrive(token);
  }

  private drop(token: Token): void {
    this.m.tokens = this.m.tokens.filter((t) => t !== token);
  }

  private arrive(token: Token): void {
    if (++this.arrivals > maxArrivals) throw new AppError('WORKFLOW_INVALID', { reason: 'a loop without a wait state (a task or a timer)' });
    const n = this.node(token.node);
    const outs = this.g.outgoing.get(n.id) ?? [];
    const ins = this.g.incoming.get(n.id) ?? [];
    if (n.kind === 'end') {
      this.drop(token);
      if (!this.m.tokens.length) this.finish('approved', null);
      return;
    }
    if (n.kind === 'userTask') {
      this.openStep(token, n);
      return;
    }
    if (n.kind === 'timer') {
      this.m.timers.push({
        id: this.id('m'),
        node: n.id,
        token: token.id,
        due: new Date(this.env.now.getTime() + n.minutes * 60_000).toISOString(),
        kind: 'timer',
      });
      return;
    }
    if (n.kind === 'serviceTask') {
      this.env.serviceTask?.(n.id, this.serviceTasks++);
      this.effects.push({ kind: 'actions', node: n.id });
    }
    if (n.kind === 'start' || n.kind === 'serviceTask') {
      this.move(token, outs[0] as Flow);
      return;
    }
    // Gateways: a parallel or inclusive one with several incoming flows joins first (settle merges).
    if ((n.kind === 'parallel' || n.kind === 'inclusive') && ins.length > 1) return;
    this.split(token, n.kind, outs);
  }

  /** A token leaves a gateway: every flow (parallel), the first that holds (exclusive), every one that holds (inclusive). */
  private split(token: Token, kind: 'exclusive' | 'parallel' | 'inclusive', outs: Flow[]): void {
    const holds = (f: Flow) => !f.default && (f.condition === undefined || this.env.holds(f.condition));
    let taken: Flow[];
    if (kind === 'parallel') taken = outs;
    else {
      const matching = kind === 'exclusive' ? outs.filter(holds).slice(0, 1) : outs.filter(holds);
      taken = matching.length ? matching : outs.filter((f) => f.default);
    }
    if (!taken.length) throw new AppError('WORKFLOW_NO_PATH', { gateway: token.node });
    const [first, ...rest] = taken as [Flow, ...Flow[]];
    const forks = rest.map((f) => {
      const t = { id: this.id('k'), node: token.node };
      this.m.tokens.push(t);
      return [t, f] as const;
    });
    this.move(token, first);
    for (const [t, f] of forks) if (this.m.tokens.includes(t)) this.move(t, f);
  }

  /**
   * Merges tokens waiting at joins: a parallel join once a token came by each incoming flow; an
   * inclusive join once no other token can still reach it. Repeated until nothing moves.
   */
  settle(): void {
    for (let moved = true; moved && !endedStatuses.has(this.m.status); ) {
      moved = false;
      for (const n of this.g.process.nodes) {
        if ((n.kind !== 'parallel' && n.kind !== 'inclusive') || (this.g.incoming.get(n.id) ?? []).length < 2) continue;
        const waiting = this.m.tokens.filter((t) => t.node === n.id);
        if (!waiting.length) continue;
        let merged: Token[] | undefined;
        if (n.kind === 'parallel') {
          const byFlow = (this.g.incoming.get(n.id) ?? []).map((f) => waiting.find((t) => t.via === f.id));
          if (byFlow.every((t) => t)) merged = byFlow as Token[];
        } else if (!this.m.tokens.some((t) => t.node !== n.id && this.g.reach.get(t.node)?.has(n.id))) merged = waiting;
        if (!merged) continue;
        const [keep, ...gone] = merged as [Token, ...Token[]];
        this.m.tokens = this.m.tokens.filter((t) => !gone.includes(t));
        this.split(keep, n.kind, this.g.outgoing.get(n.id) ?? []);
        moved = true;
        break;
      }
    }
  }

  /** A token reaches an approval step: one task per approver, auto-approvals applied. */
  private openStep(token: Token, n: UserTaskNode): void {
    // A new id per visit: tasks and timers of an earlier visit (a loop, a return) are not this step's.
    token.id = this.id('k');
    let who = [...new Set(this.env.approvers(n, this.m))];
    if (!who.length && n.whenNobody === 'admins') who = [...new Set(this.env.admins)];
    if (!who.length) {
      if (n.whenNobody === 'refuse') throw new AppError('WORKFLOW_NO_APPROVER', { node: n.id });
      this.log(null, 'passed', { node: n.id, comment: 'no approver' });
      this.move(token, (this.g.outgoing.get(n.id) ?? [])[0] as Flow);
      return;
    }
    const opened = who.map((assignee, order) => {
      const task: Task = {
        id: this.id('t'),
        node: n.id,
        token: token.id,
        assignee,
        status: n.mode === 'sequential' && order > 0 ? 'waiting' : 'open',
        kind: 'approve',
        order,
      };
      this.m.tasks.push(task);
      return task;
    });
    if (n.timeout)
      this.m.timers.push({
        id: this.id('m'),
        node: n.id,
        token: token.id,
        due: new Date(this.env.now.getTime() + n.timeout.minutes * 60_000).toISOString(),
        kind: 'timeout',
      });
    this.announce(opened.filter((t) => t.status === 'open'));
    this.autoApprove(token, n);
  }

  private announce(tasks: Task[]): void {
    for (const t of tasks) this.effects.push({ kind: 'notify', to: [t.assignee], what: 'task', task: t.id, node: t.node });
  }

  /** Who approved something in this instance already (by hand). */
  private approvedBefore(): Set<string> {
    return new Set(this.m.tasks.filter((t) => t.status === 'approved' && !t.auto && t.kind === 'approve').map((t) => t.assignee));
  }

  /** Approves open tasks of the submitter, or of people who already approved, when the step says so (as often as 依次 opens the next). */
  private autoApprove(token: Token, n: UserTaskNode): void {
    const rule = n.autoApprove;
    if (!rule?.submitter && !rule?.repeated) return;
    for (;;) {
      if (!this.m.tokens.includes(token) || token.node !== n.id) return;
      const before = this.approvedBefore();
      const task = this.stepTasks(token).find(
        (t) => t.status === 'open' && !t.extra && ((rule.submitter && t.assignee === this.m.submitter) || (rule.repeated && before.has(t.assignee))),
      );
      if (!task) return;
      task.status = 'approved';
      task.auto = rule.submitter && task.assignee === this.m.submitter ? 'submitter' : 'repeated';
      this.log(null, 'approved', { node: n.id, task: task.id, comment: `auto: ${task.auto}` });
      this.decide(token, n);
    }
  }

  stepTasks(token: Token): Task[] {
    return this.m.tasks.filter((t) => t.token === token.id && t.node === token.node && t.kind === 'approve' && t.status !== 'transferred');
  }

  /** Whether the step of `token` passed, failed or waits, after a task of it was decided. */
  decide(token: Token, n: UserTaskNode): void {
    const tasks = this.stepTasks(token).filter((t) => t.status !== 'cancelled');
    const regular = tasks.filter((t) => !t.extra);
    const approved = regular.filter((t) => t.status === 'approved').length;
    const rejected = tasks.filter((t) => t.status === 'rejected').length;
    const needed = n.mode === 'ratio' ? Math.ceil((n.ratio as number) * regular.length - 1e-9) : n.mode === 'any' ? 1 : regular.length;
    if (rejected && (n.mode !== 'ratio' || tasks.some((t) => t.extra && t.status === 'rejected') || regular.length - rejected < needed)) {
      this.fail(token, n);
      return;
    }
    if (tasks.some((t) => t.extra && (t.status === 'open' || t.status === 'waiting'))) return;
    if (approved >= needed) {
      this.pass(token, n);
      return;
    }
    if (n.mode === 'sequential' && !regular.some((t) => t.status === 'open')) {
      const next = regular.filter((t) => t.status === 'waiting').sort((a, b) => a.order - b.order)[0];
      if (next) {
        next.status = 'open';
        this.announce([next]);
      }
    }
  }

  private closeStep(token: Token): void {
    for (const t of this.stepTasks(token)) if (t.status === 'open' || t.status === 'waiting') t.status = 'cancelled';
    this.m.timers = this.m.timers.filter((x) => x.token !== token.id);
  }

  private pass(token: Token, n: UserTaskNode): void {
    this.closeStep(token);
    this.log(null, 'passed', { node: n.id });
    this.move(token, (this.g.outgoing.get(n.id) ?? [])[0] as Flow);
  }

  private fail(token: Token, n: UserTaskNode): void {
    this.closeStep(token);
    this.log(null, 'failed', { node: n.id });
    if (n.onReject === 'submitter') this.toSubmitter();
    else this.finish('rejected', null);
  }

  /** Everything open stops: tasks cancelled, timers and tokens gone. */
  private stopAll(): void {
    for (const t of this.m.tasks) if (t.status === 'open' || t.status === 'waiting') t.status = 'cancelled';
    this.m.timers = [];
    this.m.tokens = [];
  }

  finish(status: 'approved' | 'rejected' | 'withdrawn', by: string | null): void {
    const waiting = [...new Set(this.m.tasks.filter((t) => t.status === 'open').map((t) => t.assignee))];
    this.stopAll();
    this.m.status = status;
    this.log(by, status);
    this.effects.push({ kind: 'status', status });
    this.effects.push({ kind: 'notify', to: [...new Set([this.m.submitter, ...waiting])], what: 'outcome' });
  }

  private toSubmitter(): void {
    this.stopAll();
    this.m.status = 'returned';
    const task: Task = { id: this.id('t'), node: this.g.start.id, assignee: this.m.submitter, status: 'open', kind: 'resubmit', order: 0 };
    this.m.tasks.push(task);
    this.log(null, 'returned to the submitter', { task: task.id });
    this.effects.push({ kind: 'status', status: 'returned' });
    this.announce([task]);
  }

  /** The open task `id` of `by`, or the refusal that says why not. */
  openTask(id: string, by: string, kind: Task['kind'] = 'approve'): Task {
    const task = this.m.tasks.find((t) => t.id === id && t.kind === kind);
    if (!task) throw new AppError('WORKFLOW_TASK_NOT_FOUND', { task: id });
    if (task.status !== 'open') throw new AppError('WORKFLOW_TASK_CLOSED', { task: id, status: task.status });
    if (task.assignee !== by) throw new AppError('WORKFLOW_NOT_ASSIGNEE', { task: id });
    return task;
  }

  tokenOf(task: Task): Token {
    return this.m.tokens.find((t) => t.id === task.token) as Token;
  }

  userTask(id: string): UserTaskNode {
    return this.node(id) as UserTaskNode;
  }

  /** A task decided by a person: approved or rejected, the step decided. */
  complete(task: Task, status: 'approved' | 'rejected', by: string, comment?: string): void {
    task.status = status;
    this.log(by, status, { node: task.node, task: task.id, ...(comment ? { comment } : {}) });
    const token = this.tokenOf(task);
    if (status === 'approved' && task.reopens) {
      const original = this.m.tasks.find((t) => t.id === task.reopens);
      if (original?.status === 'waiting') {
        original.status = 'open';
        this.announce([original]);
      }
    }
    this.decide(token, this.userTask(task.node));
  }

  /** 退回 to an approval step passed before: what is open now stops, a token starts again there. */
  returnTo(task: Task, to: string, by: string, comment?: string): void {
    const target = this.g.node.get(to);
    const passed = this.m.history.some((h) => h.what === 'passed' && h.node === to);
    if (target?.kind !== 'userTask' || !passed || !this.canFinishFrom(to)) throw new AppError('WORKFLOW_RETURN_INVALID', { to });
    task.status = 'returned';
    this.log(by, 'returned', { node: task.node, task: task.id, to, ...(comment ? { comment } : {}) });
    this.stopAll();
    const token = { id: this.id('k'), node: to };
    this.m.tokens.push(token);
    this.arrive(token);
  }

  /**
   * Whether one token at `from` can reach an end alone: no parallel join after it also waits for a
   * flow from a node it cannot reach (a step inside one branch of a parallel split cannot be returned to).
   */
  private canFinishFrom(from: string): boolean {
    const reach = this.g.reach.get(from) ?? new Set<string>();
    return ![...reach].some((id) => {
      const n = this.node(id);
      const ins = this.g.incoming.get(id) ?? [];
      return n.kind === 'parallel' && ins.length > 1 && ins.some((f) => f.from !== from && !reach.has(f.from));
    });
  }

  addSigner(task: Task, signer: string, position: 'before' | 'after', by: string, comment?: string): void {
    const token = this.tokenOf(task);
    if (signer === by || this.stepTasks(token).some((t) => t.assignee === signer && (t.status === 'open' || t.status === 'waiting')))
      throw new AppError('WORKFLOW_SIGNER_INVALID', { signer });
    const added: Task = {
      id: this.id('t'),
      node: task.node,
      token: token.id,
      assignee: signer,
      status: 'open',
      kind: 'approve',
      order: task.order,
      extra: position,
    };
    this.log(by, `added a signer ${position}`, { node: task.node, task: task.id, to: signer, ...(comment ? { comment } : {}) });
    if (position === 'before') {
      added.reopens = task.id;
      task.status = 'waiting';
      this.m.tasks.push(added);
      this.announce([added]);
      return;
    }
    this.m.tasks.push(added);
    this.announce([added]);
    this.complete(task, 'approved', by);
  }

  transfer(task: Task, to: string, by: string, comment?: string): void {
    const token = this.tokenOf(task);
    if (to === by || this.stepTasks(token).some((t) => t.assignee === to && (t.status === 'open' || t.status === 'waiting')))
      throw new AppError('WORKFLOW_SIGNER_INVALID', { signer: to });
    task.status = 'transferred';
    const next: Task = { ...task, id: this.id('t'), assignee: to, status: 'open' };
    this.m.tasks.push(next);
    this.log(by, 'transferred', { node: task.node, task: task.id, to, ...(comment ? { comment } : {}) });
    this.announce([next]);
  }

  fire(timerId: string): void {
    const timer = this.m.timers.find((t) => t.id === timerId);
    if (!timer) throw new AppError('WORKFLOW_TIMER_NOT_FOUND', { timer: timerId });
    this.m.timers = this.m.timers.filter((t) => t !== timer);
    const token = this.m.tokens.find((t) => t.id === timer.token) as Token;
    if (timer.kind === 'timer') {
      this.log(null, 'timer fired', { node: timer.node });
      this.move(token, (this.g.outgoing.get(timer.node) ?? [])[0] as Flow);
      return;
    }
    const n = this.userTask(timer.node);
    const open = this.stepTasks(token).filter((t) => t.status === 'open');
    const action = n.timeout?.action ?? 'remind';
    this.log(null, `timeout: ${action}`, { node: n.id });
    if (action === 'remind') {
      this.effects.push({ kind: 'notify', to: open.map((t) => t.assignee), what: 'timeout', node: n.id });
      return;
    }
    for (const t of this.stepTasks(token)) if (t.status === 'open' || t.status === 'waiting') Object.assign(t, { status: 'cancelled' });
    const decided = open[0];
    if (decided) Object.assign(decided, { status: action === 'approve' ? 'approved' : 'rejected', auto: 'timeout' });
    if (action === 'approve') this.pass(token, n);
    else this.fail(token, n);
  }
}

function requireRunning(m: Instance, also: InstanceStatus[] = []): void {
  if (m.status !== 'running' && !also.includes(m.status)) throw new AppError('WORKFLOW_NOT_RUNNING', { status: m.status });
}

/** Whoever took part: the submitter and every assignee so far. */
const participants = (m: Instance) => new Set([m.submitter, ...m.tasks.map((t) => t.assignee)]);

/** Starts an instance for `submitter`: the first steps open (or it ends at once). */
export function startInstance(g: Graph, submitter: string, env: StepEnv): { instance: Instance; effects: Effect[] } {
  const run = new Run(g, { status: 'running', submitter, seq: 0, tokens: [], tasks: [], timers: [], history: [] }, env);
  run.log(submitter, 'submitted');
  run.effects.push({ kind: 'status', status: 'running' });
  run.begin();
  return { instance: run.m, effects: run.effects };
}

/**
 * Applies one command to an instance: the new instance and the effects, or a WORKFLOW_* AppError
 * (then nothing changed: the input is never modified).
 */
export function step(g: Graph, instance: Instance, command: Command, env: StepEnv): { instance: Instance; effects: Effect[] } {
  const run = new Run(g, structuredClone(instance), env);
  const m = run.m;
  const c = command;
  switch (c.kind) {
    case 'approve':
    case 'reject': {
      requireRunning(m);
      run.complete(run.openTask(c.task, c.by), c.kind === 'approve' ? 'approved' : 'rejected', c.by, c.comment);
      break;
    }
    case 'return':
      requireRunning(m);
      run.returnTo(run.openTask(c.task, c.by), c.to, c.by, c.comment);
      break;
    case 'addSigner':
      requireRunning(m);
      run.addSigner(run.openTask(c.task, c.by), c.signer, c.position, c.by, c.comment);
      break;
    case 'transfer':
      requireRunning(m);
      run.transfer(run.openTask(c.task, c.by), c.to, c.by, c.comment);
      break;
    case 'resubmit': {
      requireRunning(m, ['returned']);
      if (m.status !== 'returned') throw new AppError('WORKFLOW_TASK_CLOSED', { task: c.task });
      const task = run.openTask(c.task, c.by, 'resubmit');
      task.status = 'approved';
      m.status = 'running';
      run.log(c.by, 'resubmitted', { task: task.id, ...(c.comment ? { comment: c.comment } : {}) });
      run.effects.push({ kind: 'status', status: 'running' });
      run.begin();
      break;
    }
    case 'withdraw': {
      requireRunning(m, ['returned']);
      if (c.by !== m.submitter) throw new AppError('WORKFLOW_NOT_ASSIGNEE', {});
      const approved = m.tasks.some((t) => t.kind === 'approve' && t.status === 'approved' && !t.auto);
      if (approved && !g.process.withdrawAfterApproval) throw new AppError('WORKFLOW_WITHDRAW_REFUSED', {});
      run.finish('withdrawn', c.by);
      break;
    }
    case 'remind': {
      requireRunning(m);
      if (c.by !== m.submitter) throw new AppError('WORKFLOW_NOT_ASSIGNEE', {});
      const to = [...new Set(m.tasks.filter((t) => t.status === 'open').map((t) => t.assignee))];
      run.log(c.by, 'reminded');
      run.effects.push({ kind: 'notify', to, what: 'remind' });
      break;
    }
    case 'cc':
      if (!participants(m).has(c.by)) throw new AppError('WORKFLOW_NOT_ASSIGNEE', {});
      run.log(c.by, 'copied', { to: c.users.join(',') });
      run.effects.push({ kind: 'notify', to: [...new Set(c.users)], what: 'cc' });
      break;
    case 'comment':
      if (!participants(m).has(c.by)) throw new AppError('WORKFLOW_NOT_ASSIGNEE', {});
      run.log(c.by, 'commented', { comment: c.text });
      break;
    case 'fireTimer':
      requireRunning(m);
      run.fire(c.timer);
      break;
  }
  run.settle();
  return { instance: m, effects: run.effects };
}
