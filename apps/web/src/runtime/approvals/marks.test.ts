import { describe, expect, it } from 'vitest';
import type { Instance } from '../../api/approvals';
import { diagramMarks, passedThrough } from './marks';

const user = { id: 'u1', name: '王经理' };
const task = (id: string, node: string, status: Instance['tasks'][number]['status']): Instance['tasks'][number] => ({
  id,
  node,
  nodeName: node,
  assignee: user,
  status,
  kind: 'approve',
  order: 0,
  createdAt: '2026-01-01T00:00:00Z',
  decidedAt: null,
});
const base: Pick<Instance, 'current' | 'history' | 'tasks' | 'bpmn' | 'status'> = {
  status: 'running',
  bpmn: '<bpmn:definitions><bpmn:process id="p"><bpmn:startEvent name="提交" id="s1" /><bpmn:userTask id="a" /></bpmn:process></bpmn:definitions>',
  current: [],
  tasks: [],
  history: [],
};

describe('diagramMarks', () => {
  it('marks the open steps current, the start and the passed steps done', () => {
    const m = diagramMarks({
      ...base,
      current: [{ node: 'b', name: '财务会签' }],
      tasks: [task('t1', 'a', 'approved'), task('t2', 'b', 'approved'), task('t3', 'b', 'open')],
      history: [{ at: '2026-01-01T00:00:00Z', by: null, what: 'passed', node: 'a' }],
    });
    expect(m.current).toEqual(['b']);
    expect(m.done).toContain('s1');
    expect(m.done).toContain('a');
    // A 会签 step with one approval of two is still open, not done.
    expect(m.done).not.toContain('b');
    expect(m.failed).toEqual([]);
  });

  it('marks a rejected step failed once the instance is rejected, not while it runs', () => {
    const rejected = { ...base, tasks: [task('t1', 'a', 'rejected')] };
    expect(diagramMarks({ ...rejected, status: 'rejected' }).failed).toEqual(['a']);
    expect(diagramMarks({ ...rejected, status: 'running' }).failed).toEqual([]);
  });

  it('finds the start event whatever its prefix', () => {
    expect(diagramMarks({ ...base, bpmn: '<definitions><process><startEvent id="Start_1"/></process></definitions>' }).done).toEqual(['Start_1']);
  });
});

describe('passedThrough', () => {
  // start → rate (gateway) → manager | end_small; manager → join (gateway) → end
  const graph = {
    nodes: [
      { id: 's', type: 'bpmn:StartEvent' },
      { id: 'rate', type: 'bpmn:ExclusiveGateway' },
      { id: 'manager', type: 'bpmn:UserTask' },
      { id: 'join', type: 'bpmn:ExclusiveGateway' },
      { id: 'end', type: 'bpmn:EndEvent' },
      { id: 'end_small', type: 'bpmn:EndEvent' },
    ],
    flows: [
      { from: 's', to: 'rate' },
      { from: 'rate', to: 'manager' },
      { from: 'rate', to: 'end_small' },
      { from: 'manager', to: 'join' },
      { from: 'join', to: 'end' },
    ],
  };

  it('marks a gateway between the start and an open step, nothing after it', () => {
    expect(passedThrough(graph, { current: ['manager'], done: ['s'], failed: [] })).toEqual(['rate']);
  });

  it('marks the gateways and the end reached once the instance is approved', () => {
    const added = passedThrough(graph, { current: [], done: ['s', 'manager'], failed: [], ended: true });
    expect(added).toEqual(expect.arrayContaining(['rate', 'join', 'end']));
    expect(added).not.toContain('manager');
    // The gateway's flow straight to the other end was not taken: the instance went on to 经理审批.
    expect(added).not.toContain('end_small');
  });

  it('marks the end a gateway went straight to when no step followed it', () => {
    expect(passedThrough(graph, { current: [], done: ['s'], failed: [], ended: true })).toEqual(expect.arrayContaining(['rate', 'end_small']));
  });

  it('leaves the end events unmarked while the instance runs', () => {
    expect(passedThrough(graph, { current: [], done: ['s', 'manager'], failed: [] })).not.toContain('end');
  });
});
