import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { processFromBpmn } from '@tangram/bpmn';
import { AppError } from '@tangram/errors';
import { evaluate, truthy } from '@tangram/logic';
import { describe, expect, it } from 'vitest';
import { compileProcess } from './process';
import { type Instance, type StepEnv, startInstance, step } from './step';

// A sample of bpmn.io's own test diagrams (packages/bpmn/test/fixtures/bpmn-io, see its README) and
// our own diagrams exercising every supported element: those inside the subset are read, compiled
// and run to an end on the interpreter (every open task approved, every timer fired); the others are
// refused with a message naming the element.

const fixtures = join(import.meta.dirname, '..', '..', '..', 'bpmn', 'test', 'fixtures');

/** What each diagram must give: 'runs', or the refusal's code, the first problem's element id and a word of its message. */
const expected: Record<string, 'runs' | [string, string, string]> = {
  'bpmn-moddle-ad-hoc.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'AdHoc', 'bpmn:AdHocSubProcess'],
  'bpmn-moddle-choreography-task.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'someMessage', 'bpmn:Message'],
  'bpmn-moddle-complex.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'sid-1f3b3b35-28a1-4fff-8835-ae271ef486d5', 'bpmn:DataStore'],
  'bpmn-moddle-data-object-reference.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'DataObjectReference_1', 'bpmn:DataObjectReference'],
  'bpmn-moddle-escalation-error.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'escalation', 'bpmn:Escalation'],
  'bpmn-moddle-example-colors.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'Task_1', 'bpmn:Task'],
  'bpmn-moddle-lane-children.bpmn': ['WORKFLOW_INVALID', 'StartEvent_1', 'exactly one outgoing flow'],
  'bpmn-moddle-multiInstanceLoopCharacteristics.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'TravelOrderItem', 'bpmn:ItemDefinition'],
  'bpmn-moddle-potentialOwner.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'Resource_1', 'bpmn:Resource'],
  'bpmn-moddle-simple.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'Task_1', 'bpmn:Task'],
  'bpmnlint-cli-child-diagram.bpmn': 'runs',
  'bpmnlint-no-bpmndi-correct.bpmn': 'runs',
  'bpmnlint-no-gateway-join-fork-invalid.bpmn': ['WORKFLOW_BPMN_UNSUPPORTED', 'IntermediateThrowEvent_1a04o6e', 'bpmn:IntermediateThrowEvent'],
  'bpmnlint-no-gateway-join-fork-valid-fork.bpmn': 'runs',
  'bpmnlint-no-gateway-join-fork-valid-join.bpmn': 'runs',
  'bpmnlint-superfluous-gateway-correct.bpmn': 'runs',
  'bpmnlint-superfluous-gateway-incorrect.bpmn': 'runs',
  'every-element.bpmn': 'runs',
  'nested-subprocess-timer.bpmn': 'runs',
  'parallel-countersign.bpmn': 'runs',
};

const diagrams = ['bpmn-io', 'tangram'].flatMap((dir) =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith('.bpmn'))
    .map((f) => [f, join(fixtures, dir, f)] as const),
);

/** Every step has three approvers; conditions read the record. */
const env = (record: Record<string, unknown>): StepEnv => ({
  now: new Date('2026-12-07T01:00:00Z'),
  approvers: () => ['ann', 'bob', 'cai'],
  admins: ['admin'],
  holds: (c) => truthy(evaluate(c as never, record)),
});

/** Approves every open task and fires every timer until the instance ends (or nothing moves). */
function runToEnd(xmlProcess: Awaited<ReturnType<typeof processFromBpmn>>, record: Record<string, unknown>) {
  const g = compileProcess(xmlProcess);
  const e = env(record);
  let { instance } = startInstance(g, 'sam', e);
  const visited = new Set<string>();
  for (let i = 0; i < 200 && instance.status === 'running'; i++) {
    const task = instance.tasks.find((t) => t.status === 'open');
    const timer = instance.timers[0];
    let m: Instance;
    if (task) ({ instance: m } = step(g, instance, { kind: 'approve', task: task.id, by: task.assignee }, e));
    else if (timer) ({ instance: m } = step(g, instance, { kind: 'fireTimer', timer: timer.id }, e));
    else break;
    for (const t of m.tasks) visited.add(t.node);
    instance = m;
  }
  return { instance, visited };
}

describe('bpmn.io test diagrams and our own on the interpreter', () => {
  it('has an expectation for every diagram in the sample (10–20 of bpmn.io, ours besides)', () => {
    expect(diagrams.map(([f]) => f).sort()).toEqual(Object.keys(expected).sort());
    expect(diagrams.filter(([, p]) => p.includes('bpmn-io')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(diagrams)('%s: runs to an end, or is refused naming the element', async (file, path) => {
    const xml = readFileSync(path, 'utf8');
    const want = expected[file];
    if (want === 'runs') {
      for (const record of [{}, { amount: 5000, vip: true }]) {
        const { instance } = runToEnd(await processFromBpmn(xml), record);
        expect(instance.status, JSON.stringify(record)).toBe('approved');
        expect(instance.tokens).toEqual([]);
        expect(instance.tasks.filter((t) => t.status === 'open')).toEqual([]);
        expect(instance.timers).toEqual([]);
      }
      return;
    }
    const error = await processFromBpmn(xml).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    const { code, details } = error as AppError;
    const first = (details.problems as { path?: string; message: string }[])[0];
    expect([code, first?.path]).toEqual([want?.[0], want?.[1]]);
    expect(first?.message).toContain(want?.[2]);
  });

  it('every-element takes both branches by its conditions: the big amount goes through legal and finance, the VIP through the director', async () => {
    const p = await processFromBpmn(readFileSync(join(fixtures, 'tangram', 'every-element.bpmn'), 'utf8'));
    expect([...runToEnd(p, { amount: 10 }).visited].sort()).toEqual(['gm', 'manager']);
    expect([...runToEnd(p, { amount: 5000, vip: true }).visited].sort()).toEqual(['director', 'finance', 'legal', 'manager']);
  });

  it("CRM's quote discount approval: up to 10% passes, over 10% the sales manager, over 20% the manager and finance together", async () => {
    const templates = join(import.meta.dirname, '..', '..', '..', '..', 'templates', 'crm', 'workflows');
    const quote = await processFromBpmn(readFileSync(join(templates, 'quote_discount.bpmn'), 'utf8'));
    const visited = (rate: number) => [...runToEnd(quote, { discount_rate: rate }).visited].sort();
    expect([visited(5), visited(10), visited(15), visited(20), visited(25)]).toEqual([[], [], ['manager'], ['manager'], ['manager_finance']]);
    const contract = await processFromBpmn(readFileSync(join(templates, 'contract_approval.bpmn'), 'utf8'));
    const steps = (amount: number) => [...runToEnd(contract, { amount }).visited].sort();
    expect([steps(1_000_000), steps(1_000_001)]).toEqual([
      ['legal_finance', 'manager'],
      ['general_manager', 'legal_finance', 'manager'],
    ]);
  });
});
