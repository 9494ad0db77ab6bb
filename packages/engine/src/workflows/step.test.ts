import { AppError } from '@tangram/errors';
import { describe, expect, it } from 'vitest';
import { environment, openTasks, process, task, taskOf } from './fixtures';
import { compileProcess, type Process } from './process';
import { type Command, type Instance, startInstance, step, type StepEnv } from './step';

/** Runs commands in order from a start by `submitter`; returns the instance and every effect. */
function play(p: Process, env: StepEnv, commands: ((m: Instance) => Command)[] = [], submitter = 'rep') {
  const g = compileProcess(p);
  let { instance, effects } = startInstance(g, submitter, env);
  const all = [...effects];
  for (const make of commands) {
    ({ instance, effects } = step(g, instance, make(instance), env));
    all.push(...effects);
  }
  return { instance, effects: all, g };
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
  return 'no error';
};

const approve =
  (node: string, by: string) =>
  (m: Instance): Command => ({ kind: 'approve', task: taskOf(m, node, by), by });
const reject =
  (node: string, by: string) =>
  (m: Instance): Command => ({ kind: 'reject', task: taskOf(m, node, by), by });

// The CRM's quote discount approval: over 10% → the sales manager; over 20% → then the sales
// manager and finance together (会签).
const quote = process(
  [task('manager'), task('finance', 'all'), { id: 'g1', kind: 'exclusive' }, { id: 'g2', kind: 'exclusive' }],
  ['start -> g1', 'g1 -[over10]-> manager -> g2', 'g1 -*-> end', 'g2 -[over20]-> finance -> end', 'g2 -*-> end'],
  { over10: { var: 'over10' }, over20: { var: 'over20' } },
);
const quoteApprovers = { manager: ['wang'], finance: ['wang', 'zhao'] };

describe('the quote discount approval', () => {
  it('a discount up to 10% needs no approval: the instance ends approved at once', () => {
    const { instance, effects } = play(quote, environment(quoteApprovers, {}));
    expect(instance.status).toBe('approved');
    expect(effects).toContainEqual({ kind: 'status', status: 'approved' });
  });

  it('15%: the sales manager approves and it is approved', () => {
    const env = environment(quoteApprovers, { over10: true });
    const started = play(quote, env);
    expect(openTasks(started.instance)).toEqual(['manager:wang']);
    expect(started.effects).toContainEqual(expect.objectContaining({ kind: 'notify', to: ['wang'], what: 'task' }));
    expect(play(quote, env, [approve('manager', 'wang')]).instance.status).toBe('approved');
  });

  it('25%: after the manager, 会签 needs both the manager and finance', () => {
    const env = environment(quoteApprovers, { over10: true, over20: true });
    const oneSigned = play(quote, env, [approve('manager', 'wang'), approve('finance', 'zhao')]);
    expect(oneSigned.instance.status).toBe('running');
    expect(openTasks(oneSigned.instance)).toEqual(['finance:wang']);
    expect(play(quote, env, [approve('manager', 'wang'), approve('finance', 'zhao'), approve('finance', 'wang')]).instance.status).toBe('approved');
  });

  it('a rejection ends it rejected and tells the submitter', () => {
    const { instance, effects } = play(quote, environment(quoteApprovers, { over10: true }), [reject('manager', 'wang')]);
    expect(instance.status).toBe('rejected');
    expect(instance.tasks.every((t) => t.status !== 'open')).toBe(true);
    expect(effects).toContainEqual({ kind: 'notify', to: ['rep'], what: 'outcome' });
  });
});

describe('approval modes', () => {
  const one = (mode: 'any' | 'all' | 'sequential' | 'ratio', more = {}) => process([task('s', mode, more)], ['start -> s -> end']);
  const env = environment({ s: ['a', 'b', 'c'] });

  it('或签: the first approval passes the step and closes the others', () => {
    const { instance } = play(one('any'), env, [approve('s', 'b')]);
    expect(instance.status).toBe('approved');
    expect(instance.tasks.map((t) => t.status).sort()).toEqual(['approved', 'cancelled', 'cancelled']);
  });

  it('会签: every approver; one rejection rejects', () => {
    expect(play(one('all'), env, [approve('s', 'a'), approve('s', 'b')]).instance.status).toBe('running');
    expect(play(one('all'), env, [approve('s', 'a'), approve('s', 'b'), approve('s', 'c')]).instance.status).toBe('approved');
    expect(play(one('all'), env, [approve('s', 'a'), reject('s', 'c')]).instance.status).toBe('rejected');
  });

  it('依次: one at a time, in order', () => {
    const started = play(one('sequential'), env);
    expect(openTasks(started.instance)).toEqual(['s:a']);
    expect(codeOf(() => step(started.g, started.instance, { kind: 'approve', task: started.instance.tasks[1]?.id as string, by: 'b' }, env))).toBe(
      'WORKFLOW_TASK_CLOSED',
    );
    expect(openTasks(play(one('sequential'), env, [approve('s', 'a')]).instance)).toEqual(['s:b']);
    expect(play(one('sequential'), env, [approve('s', 'a'), approve('s', 'b'), approve('s', 'c')]).instance.status).toBe('approved');
  });

  it('ratio: 2 of 3 pass; two rejections out of three make 2 unreachable', () => {
    const two = one('ratio', { ratio: 2 / 3 });
    expect(play(two, env, [approve('s', 'a'), reject('s', 'b')]).instance.status).toBe('running');
    expect(play(two, env, [approve('s', 'a'), reject('s', 'b'), approve('s', 'c')]).instance.status).toBe('approved');
    expect(play(two, env, [reject('s', 'a'), reject('s', 'b')]).instance.status).toBe('rejected');
  });
});

describe('operations', () => {
  const two = process([task('first'), task('second')], ['start -> first -> second -> end'], {}, { withdrawAfterApproval: false });
  const env = environment({ first: ['a'], second: ['b'] });

  it('退回 sends it back to a step it passed; not to one it did not', () => {
    const back = play(two, env, [approve('first', 'a'), (m) => ({ kind: 'return', task: taskOf(m, 'second', 'b'), by: 'b', to: 'first' })]);
    expect(openTasks(back.instance)).toEqual(['first:a']);
    const at = play(two, env);
    expect(codeOf(() => step(at.g, at.instance, { kind: 'return', task: taskOf(at.instance, 'first', 'a'), by: 'a', to: 'second' }, env))).toBe(
      'WORKFLOW_RETURN_INVALID',
    );
  });

  it('a rejection can return it to the submitter, who changes and resubmits', () => {
    const p = process([task('s', 'any', { onReject: 'submitter' })], ['start -> s -> end']);
    const e = environment({ s: ['a'] });
    const returned = play(p, e, [reject('s', 'a')]);
    expect(returned.instance.status).toBe('returned');
    expect(openTasks(returned.instance)).toEqual(['start:rep']);
    const again = play(p, e, [reject('s', 'a'), (m) => ({ kind: 'resubmit', task: taskOf(m, 'start', 'rep'), by: 'rep' })]);
    expect(again.instance.status).toBe('running');
    expect(openTasks(again.instance)).toEqual(['s:a']);
  });

  it('加签 before: the signer first, then the approver again', () => {
    const before = play(two, env, [(m) => ({ kind: 'addSigner', task: taskOf(m, 'first', 'a'), by: 'a', signer: 'x', position: 'before' })]);
    expect(openTasks(before.instance)).toEqual(['first:x']);
    const signed = play(two, env, [
      (m) => ({ kind: 'addSigner', task: taskOf(m, 'first', 'a'), by: 'a', signer: 'x', position: 'before' }),
      approve('first', 'x'),
    ]);
    expect(openTasks(signed.instance)).toEqual(['first:a']);
  });

  it('加签 after: the approver approves and the step waits for the signer too', () => {
    const after = play(two, env, [(m) => ({ kind: 'addSigner', task: taskOf(m, 'first', 'a'), by: 'a', signer: 'x', position: 'after' })]);
    expect(openTasks(after.instance)).toEqual(['first:x']);
    expect(
      openTasks(
        play(two, env, [(m) => ({ kind: 'addSigner', task: taskOf(m, 'first', 'a'), by: 'a', signer: 'x', position: 'after' }), approve('first', 'x')])
          .instance,
      ),
    ).toEqual(['second:b']);
  });

  it('转交 gives the task to someone else; only the assignee may act on a task', () => {
    const moved = play(two, env, [(m) => ({ kind: 'transfer', task: taskOf(m, 'first', 'a'), by: 'a', to: 'y' })]);
    expect(openTasks(moved.instance)).toEqual(['first:y']);
    const at = play(two, env);
    expect(codeOf(() => step(at.g, at.instance, { kind: 'approve', task: taskOf(at.instance, 'first', 'a'), by: 'intruder' }, env))).toBe(
      'WORKFLOW_NOT_ASSIGNEE',
    );
  });

  it('撤回 by the submitter before the first approval; after it only where the process allows', () => {
    expect(play(two, env, [() => ({ kind: 'withdraw', by: 'rep' })]).instance.status).toBe('withdrawn');
    const approved = play(two, env, [approve('first', 'a')]);
    expect(codeOf(() => step(approved.g, approved.instance, { kind: 'withdraw', by: 'rep' }, env))).toBe('WORKFLOW_WITHDRAW_REFUSED');
    expect(codeOf(() => step(approved.g, approved.instance, { kind: 'withdraw', by: 'a' }, env))).toBe('WORKFLOW_NOT_ASSIGNEE');
    const lenient = process([task('first'), task('second')], ['start -> first -> second -> end'], {}, { withdrawAfterApproval: true });
    expect(play(lenient, env, [approve('first', 'a'), () => ({ kind: 'withdraw', by: 'rep' })]).instance.status).toBe('withdrawn');
  });

  it('催办, 抄送 and comments notify and are kept in the history', () => {
    const { instance, effects } = play(two, env, [
      () => ({ kind: 'remind', by: 'rep' }),
      () => ({ kind: 'cc', by: 'rep', users: ['boss'] }),
      () => ({ kind: 'comment', by: 'a', text: '价格再确认一下' }),
    ]);
    expect(effects).toContainEqual({ kind: 'notify', to: ['a'], what: 'remind' });
    expect(effects).toContainEqual({ kind: 'notify', to: ['boss'], what: 'cc' });
    expect(instance.history.map((h) => h.what)).toEqual(['submitted', 'reminded', 'copied', 'commented']);
  });

  it('a completed task cannot be completed again, and a refused command changes nothing', () => {
    const at = play(two, env);
    const id = taskOf(at.instance, 'first', 'a');
    const once = step(at.g, at.instance, { kind: 'approve', task: id, by: 'a' }, env);
    expect(codeOf(() => step(at.g, once.instance, { kind: 'approve', task: id, by: 'a' }, env))).toBe('WORKFLOW_TASK_CLOSED');
    const snapshot = structuredClone(at.instance);
    expect(codeOf(() => step(at.g, at.instance, { kind: 'approve', task: 'nope', by: 'a' }, env))).toBe('WORKFLOW_TASK_NOT_FOUND');
    expect(at.instance).toEqual(snapshot);
  });
});

describe('gateways, timers, service tasks, approvers', () => {
  it('parallel: both branches, then the join', () => {
    const p = process(
      [task('legal'), task('finance'), { id: 'fork', kind: 'parallel' }, { id: 'join', kind: 'parallel' }, task('gm')],
      ['start -> fork', 'fork -> legal -> join', 'fork -> finance -> join', 'join -> gm -> end'],
    );
    const env = environment({ legal: ['l'], finance: ['f'], gm: ['g'] });
    expect(openTasks(play(p, env).instance)).toEqual(['finance:f', 'legal:l']);
    expect(openTasks(play(p, env, [approve('legal', 'l')]).instance)).toEqual(['finance:f']);
    expect(openTasks(play(p, env, [approve('legal', 'l'), approve('finance', 'f')]).instance)).toEqual(['gm:g']);
  });

  it('inclusive: the branches whose condition holds, joined when none can still arrive', () => {
    const p = process(
      [task('a'), task('b'), { id: 'split', kind: 'inclusive' }, { id: 'join', kind: 'inclusive' }],
      ['start -> split', 'split -[x]-> a -> join', 'split -[y]-> b -> join', 'split -*-> join', 'join -> end'],
      { x: { var: 'x' }, y: { var: 'y' } },
    );
    const both = environment({ a: ['p'], b: ['q'] }, { x: true, y: true });
    expect(openTasks(play(p, both).instance)).toEqual(['a:p', 'b:q']);
    expect(play(p, both, [approve('a', 'p')]).instance.status).toBe('running');
    expect(play(p, both, [approve('a', 'p'), approve('b', 'q')]).instance.status).toBe('approved');
    expect(openTasks(play(p, environment({ a: ['p'], b: ['q'] }, { y: true })).instance)).toEqual(['b:q']);
    expect(play(p, environment({ a: ['p'], b: ['q'] }, {})).instance.status).toBe('approved');
  });

  it('an exclusive gateway with no matching flow and no default refuses the command', () => {
    const p = process([{ id: 'g', kind: 'exclusive' }], ['start -> g', 'g -[x]-> end'], { x: { var: 'x' } });
    expect(codeOf(() => play(p, environment({})))).toBe('WORKFLOW_NO_PATH');
  });

  it('a timer holds the token until it fires; a service task asks the host for its actions', () => {
    const p = process(
      [
        { id: 'wait', kind: 'timer', minutes: 60 },
        { id: 'post', kind: 'serviceTask' },
      ],
      ['start -> wait -> post -> end'],
    );
    const env = environment({});
    const waiting = play(p, env);
    expect(waiting.instance.timers).toEqual([expect.objectContaining({ node: 'wait', due: '2026-12-07T02:00:00.000Z' })]);
    const fired = step(waiting.g, waiting.instance, { kind: 'fireTimer', timer: waiting.instance.timers[0]?.id as string }, env);
    expect(fired.effects).toContainEqual({ kind: 'actions', node: 'post' });
    expect(fired.instance.status).toBe('approved');
  });

  it.each([
    ['remind', 'running'],
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const)('a step timeout that says %s', (action, status) => {
    const p = process([task('s', 'all', { timeout: { minutes: 120, action } })], ['start -> s -> end']);
    const env = environment({ s: ['a', 'b'] });
    const at = play(p, env);
    const fired = step(at.g, at.instance, { kind: 'fireTimer', timer: at.instance.timers[0]?.id as string }, env);
    expect(fired.instance.status).toBe(status);
    if (action === 'remind') expect(fired.effects).toContainEqual({ kind: 'notify', to: ['a', 'b'], what: 'timeout', node: 's' });
  });

  it('approvers who resolve to nobody: pass, go to the admins, or refuse', () => {
    const p = (whenNobody: 'approve' | 'admins' | 'refuse') => process([task('s', 'any', { whenNobody })], ['start -> s -> end']);
    expect(play(p('approve'), environment({})).instance.status).toBe('approved');
    expect(openTasks(play(p('admins'), environment({})).instance)).toEqual(['s:admin']);
    expect(codeOf(() => play(p('refuse'), environment({})))).toBe('WORKFLOW_NO_APPROVER');
  });

  it('auto-approval of the submitter and of someone who approved already', () => {
    const p = process([task('first'), task('second', 'any', { autoApprove: { submitter: true, repeated: true } })], ['start -> first -> second -> end']);
    expect(play(p, environment({ first: ['a'], second: ['a'] }), [approve('first', 'a')]).instance.status).toBe('approved');
    expect(play(p, environment({ first: ['a'], second: ['rep'] }), [approve('first', 'a')]).instance.status).toBe('approved');
    expect(openTasks(play(p, environment({ first: ['a'], second: ['b'] }), [approve('first', 'a')]).instance)).toEqual(['second:b']);
  });
});

describe('checking a process', () => {
  it.each([
    ['two starts', process([{ id: 's2', kind: 'start' }], ['start -> end', 's2 -> end'])],
    ['a flow to nowhere', process([], ['start -> nowhere'])],
    ['a task with two ways out', process([task('a'), task('b'), task('c')], ['start -> a -> b -> end', 'a -> c -> end'])],
    ['a node no path reaches', process([task('a'), task('lost')], ['start -> a -> end', 'lost -> end'])],
    ['a dead end', process([task('a'), task('stuck'), { id: 'g', kind: 'exclusive' }], ['start -> g', 'g -> a -> end', 'g -> stuck'])],
    ['a condition on a task’s flow', process([task('a')], ['start -> a -[x]-> end'], { x: { var: 'x' } })],
    ['a ratio step without its ratio', process([task('a', 'ratio')], ['start -> a -> end'])],
  ])('refuses %s with WORKFLOW_INVALID and a path', (_, p) => {
    try {
      compileProcess(p);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('WORKFLOW_INVALID');
      expect(((e as AppError).details.problems as { path: string }[])[0]?.path).toMatch(/^\/(nodes|flows)/);
    }
  });
});
