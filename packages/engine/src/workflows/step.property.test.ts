import { AppError } from '@tangram/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { environment, process, task } from './fixtures';
import { compileProcess, type Process, type UserTaskNode } from './process';
import { type Command, endedStatuses, type Instance, startInstance, step } from './step';

// Random sequences of operations — by the right people and by the wrong ones, on open tasks and
// on closed ones — over processes that use every part of the subset. After every command: an
// instance that has not ended waits somewhere (an open task or a timer), an ended one has nothing
// open, a task once completed never changes again, a refused command changes nothing and is
// refused with a WORKFLOW_* code.

const people = ['rep', 'a', 'b', 'c', 'x'];
const modes: UserTaskNode['mode'][] = ['any', 'all', 'sequential', 'ratio'];

/** The processes, with the steps whose mode and settings the test draws. */
function processes(draw: { mode: (i: number) => UserTaskNode['mode']; more: (i: number) => Partial<UserTaskNode> }): Process[] {
  const t = (id: string, i: number) => task(id, draw.mode(i), { ratio: 0.5, ...draw.more(i) });
  return [
    process(
      [t('manager', 0), t('finance', 1), { id: 'g1', kind: 'exclusive' }, { id: 'g2', kind: 'exclusive' }],
      ['start -> g1', 'g1 -[p]-> manager -> g2', 'g1 -*-> end', 'g2 -[q]-> finance -> end', 'g2 -*-> end'],
      { p: { var: 'p' }, q: { var: 'q' } },
    ),
    process(
      [
        t('legal', 0),
        t('finance', 1),
        t('gm', 2),
        { id: 'fork', kind: 'parallel' },
        { id: 'join', kind: 'parallel' },
        { id: 'wait', kind: 'timer', minutes: 30 },
      ],
      ['start -> fork', 'fork -> legal -> join', 'fork -> wait -> finance -> join', 'join -> gm -> end'],
      {},
      { withdrawAfterApproval: true },
    ),
    process(
      [t('a1', 0), t('b1', 1), t('after', 2), { id: 'split', kind: 'inclusive' }, { id: 'join', kind: 'inclusive' }, { id: 'svc', kind: 'serviceTask' }],
      ['start -> split', 'split -[p]-> a1 -> join', 'split -[q]-> b1 -> svc -> join', 'split -*-> join', 'join -> after -> end'],
      { p: { var: 'p' }, q: { var: 'q' } },
    ),
    // A loop: the reviewer may send it round again through a gateway.
    process(
      [t('draft_review', 0), t('final', 1), { id: 'again', kind: 'exclusive' }],
      ['start -> draft_review -> again', 'again -[p]-> final -> end', 'again -*-> draft_review'],
      { p: { var: 'p' } },
    ),
  ];
}

/** One command chosen from the state by the numbers drawn: mostly sensible, sometimes not. */
function choose(m: Instance, n: number[], nodes: string[]): Command {
  const pick = <T>(list: readonly T[], k: number): T => list[(n[k] ?? 0) % list.length] as T;
  const open = m.tasks.filter((t) => t.status === 'open');
  const anyTask = m.tasks.length ? pick(m.tasks, 1) : undefined;
  const target = open.length && (n[2] ?? 0) % 5 ? pick(open, 1) : (anyTask ?? { id: 't0', assignee: 'a' });
  // Four times in five the assignee acts; otherwise someone drawn.
  const by = (n[3] ?? 0) % 5 ? target.assignee : pick(people, 4);
  const kinds = ['approve', 'approve', 'reject', 'return', 'addSigner', 'transfer', 'withdraw', 'resubmit', 'remind', 'cc', 'comment', 'fireTimer'] as const;
  const kind = pick(kinds, 0);
  switch (kind) {
    case 'approve':
    case 'reject':
      return { kind, task: target.id, by };
    case 'return':
      return { kind, task: target.id, by, to: pick(nodes, 5) };
    case 'addSigner':
      return { kind, task: target.id, by, signer: pick(people, 5), position: (n[6] ?? 0) % 2 ? 'before' : 'after' };
    case 'transfer':
      return { kind, task: target.id, by, to: pick(people, 5) };
    case 'resubmit':
      return { kind, task: target.id, by };
    case 'withdraw':
    case 'remind':
      return { kind, by: (n[3] ?? 0) % 3 ? m.submitter : by };
    case 'cc':
      return { kind, by, users: [pick(people, 5)] };
    case 'comment':
      return { kind, by, text: 'ok' };
    case 'fireTimer':
      return { kind, timer: m.timers.length ? pick(m.timers, 5).id : 'm0' };
  }
}

function checkInvariants(m: Instance, g: ReturnType<typeof compileProcess>, closedBefore: Map<string, string>): void {
  const open = m.tasks.filter((t) => t.status === 'open' || t.status === 'waiting');
  if (endedStatuses.has(m.status)) {
    expect(m.tokens).toEqual([]);
    expect(m.timers).toEqual([]);
    expect(open).toEqual([]);
  } else if (m.status === 'returned') {
    expect(m.tokens).toEqual([]);
    expect(m.timers).toEqual([]);
    expect(open.map((t) => t.kind)).toEqual(['resubmit']);
  } else {
    // Running: waiting somewhere — every token at a task with an open task, at a timer with its timer, or at a join.
    expect(m.tokens.length).toBeGreaterThan(0);
    expect(m.tasks.some((t) => t.status === 'open') || m.timers.length > 0).toBe(true);
    for (const token of m.tokens) {
      const node = g.node.get(token.node);
      if (node?.kind === 'userTask') expect(m.tasks.some((t) => t.token === token.id && t.status === 'open')).toBe(true);
      else if (node?.kind === 'timer') expect(m.timers.some((t) => t.token === token.id)).toBe(true);
      else expect(['parallel', 'inclusive']).toContain(node?.kind);
    }
  }
  // A task completed stays as it was completed.
  for (const t of m.tasks) {
    const was = closedBefore.get(t.id);
    if (was) expect(t.status, `task ${t.id} was ${was}`).toBe(was);
    else if (!['open', 'waiting'].includes(t.status)) closedBefore.set(t.id, t.status);
  }
  expect(new Set(m.tasks.map((t) => t.id)).size).toBe(m.tasks.length);
}

describe('the process interpreter under random operations', () => {
  it('keeps its invariants over every process, approval mode and sequence of commands', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 3 }),
        fc.array(fc.constantFrom(...modes), { minLength: 3, maxLength: 3 }),
        fc.array(
          fc.record({ onReject: fc.constantFrom('end', 'submitter'), auto: fc.boolean(), timeout: fc.constantFrom(undefined, 'remind', 'approve', 'reject') }),
          {
            minLength: 3,
            maxLength: 3,
          },
        ),
        fc.record({ p: fc.boolean(), q: fc.boolean() }),
        fc.array(fc.subarray(people, { minLength: 0, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.array(fc.nat({ max: 1000 }), { minLength: 7, maxLength: 7 }), { maxLength: 40 }),
        (which, drawnModes, settings, flags, approverSets, moves) => {
          const p = processes({
            mode: (i) => drawnModes[i] ?? 'any',
            more: (i) => {
              const s = settings[i];
              return {
                onReject: s?.onReject as 'end' | 'submitter',
                whenNobody: i === 0 ? 'admins' : 'approve',
                ...(s?.auto ? { autoApprove: { submitter: true, repeated: true } } : {}),
                ...(s?.timeout ? { timeout: { minutes: 60, action: s.timeout as 'remind' } } : {}),
              };
            },
          })[which] as Process;
          const g = compileProcess(p);
          const steps = p.nodes.filter((x) => x.kind === 'userTask').map((x) => x.id);
          const approvers = Object.fromEntries(steps.map((id, i) => [id, approverSets[i] ?? []]));
          const env = environment(approvers, flags);
          let instance: Instance;
          try {
            instance = startInstance(g, 'rep', env).instance;
          } catch (e) {
            // A submission can be refused too (e.g. a loop whose steps all approve themselves), then nothing exists.
            if (e instanceof AppError && e.code.startsWith('WORKFLOW_')) return;
            throw e;
          }
          const closed = new Map<string, string>();
          checkInvariants(instance, g, closed);
          for (const n of moves) {
            const command = choose(instance, n, [...steps, 'start']);
            const before = structuredClone(instance);
            try {
              instance = step(g, instance, command, env).instance;
            } catch (e) {
              if (!(e instanceof AppError) || !e.code.startsWith('WORKFLOW_')) throw e;
              expect(instance).toEqual(before);
            }
            checkInvariants(instance, g, closed);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
