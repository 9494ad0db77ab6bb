/// <reference path="./bpmn-moddle.d.ts" />
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@tangram/errors';
import { Linter } from 'bpmnlint';
import { describe, expect, it } from 'vitest';
import { checkDefinitions, isoMinutes, parseBpmn, processFromBpmn, tangramLint } from './index';

// The reader of the BPMN dialect: every element and tg: attribute of the subset, every refusal,
// and the bpmnlint rules agreeing with it.

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
const attr = (v: unknown) => JSON.stringify(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A process around `body` (start → body's first element … → end is up to the body). */
const definitions = (body: string, processAttrs = '', outside = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:tg="https://tangram.dev/schema/bpmn/1" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs">
  <bpmn:process id="p" ${processAttrs}>${body}</bpmn:process>${outside}
</bpmn:definitions>`;

/** start → `element` (id x) → end. */
const around = (element: string, processAttrs = '') =>
  definitions(
    `<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x" />${element}<bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="e" /><bpmn:endEvent id="e" />`,
    processAttrs,
  );

async function refusal(xml: string) {
  try {
    await processFromBpmn(xml);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { code: e.code, problems: (e.details.problems as { code: string; path?: string; message: string }[]) ?? [] };
  }
  throw new Error('accepted');
}

async function lint(xml: string) {
  const results = await new Linter(tangramLint).lint(await parseBpmn(xml));
  return Object.values(results as Record<string, { id: string; message: string }[]>).flat();
}

describe('processFromBpmn', () => {
  it('reads every element of the subset, names, conditions, defaults, timers and sub-processes (flattened)', async () => {
    const p = await processFromBpmn(readFileSync(join(fixtures, 'tangram', 'every-element.bpmn'), 'utf8'));
    expect(p.id).toBe('every_element');
    expect(p.withdrawAfterApproval).toBe(true);
    const kinds = Object.fromEntries(p.nodes.map((n) => [n.id, n.kind]));
    expect(kinds).toEqual({
      start: 'start',
      manager: 'userTask',
      route: 'exclusive',
      fork: 'parallel',
      legal: 'userTask',
      finance: 'userTask',
      join: 'parallel',
      merge: 'exclusive',
      wait: 'timer',
      review: 'inclusive',
      review_start: 'exclusive',
      options: 'inclusive',
      gm: 'userTask',
      director: 'userTask',
      review_end_a: 'exclusive',
      review_end_b: 'exclusive',
      mark: 'serviceTask',
      end: 'end',
    });
    expect(p.nodes.find((n) => n.id === 'start')?.name).toBe('Submitted');
    expect(p.nodes.find((n) => n.id === 'wait')).toEqual({ id: 'wait', name: 'Cool down', kind: 'timer', minutes: 30 });
    expect(p.nodes.find((n) => n.id === 'mark')).toEqual({
      id: 'mark',
      name: 'Mark approved',
      kind: 'serviceTask',
      actions: [{ id: 'a1', kind: 'updateRecord', values: [] }],
    });
    const flow = (id: string) => p.flows.find((f) => f.id === id);
    expect(flow('f_big')).toEqual({ id: 'f_big', from: 'route', to: 'fork', condition: { '>': [{ var: 'amount' }, 1000] } });
    expect(flow('f_small')).toEqual({ id: 'f_small', from: 'route', to: 'merge', default: true });
    // Into the sub-process: its start; out of its ends: the join carrying its id and outgoing flow.
    expect(flow('f9')).toMatchObject({ from: 'wait', to: 'review_start' });
    expect(p.flows.filter((f) => f.to === 'review').map((f) => f.from)).toEqual(['review_end_a', 'review_end_b']);
    expect(flow('f10')).toMatchObject({ from: 'review', to: 'mark' });
  });

  it('reads every tg: attribute of a user task, with defaults', async () => {
    const p = await processFromBpmn(readFileSync(join(fixtures, 'tangram', 'every-element.bpmn'), 'utf8'));
    expect(p.nodes.find((n) => n.id === 'manager')).toEqual({
      id: 'manager',
      name: 'Manager',
      kind: 'userTask',
      mode: 'any',
      approvers: [{ kind: 'ownerManager' }],
      whenNobody: 'admins',
      onReject: 'submitter',
      autoApprove: { submitter: true, repeated: false },
      timeout: { minutes: 1440, action: 'remind' },
      fields: { discount: 'edit', cost: 'hidden' },
    });
    expect(p.nodes.find((n) => n.id === 'finance')).toMatchObject({ mode: 'ratio', ratio: 0.5, timeout: { minutes: 60, action: 'approve' } });
    expect(p.nodes.find((n) => n.id === 'legal')).toMatchObject({ mode: 'all' });
    expect(p.nodes.find((n) => n.id === 'gm')).toMatchObject({ mode: 'sequential' });
    // Nothing set: mode any, nothing else.
    const plain = await processFromBpmn(around('<bpmn:userTask id="x" />'));
    expect(plain.nodes.find((n) => n.id === 'x')).toEqual({ id: 'x', kind: 'userTask', mode: 'any' });
    expect(plain.withdrawAfterApproval).toBeUndefined();
    const timeoutOnly = await processFromBpmn(around('<bpmn:userTask id="x" tg:timeoutMinutes="30" />', 'tg:withdrawAfterApproval="false"'));
    expect(timeoutOnly.nodes.find((n) => n.id === 'x')).toMatchObject({ timeout: { minutes: 30, action: 'remind' } });
    expect(timeoutOnly.withdrawAfterApproval).toBe(false);
    // Every approver kind the runtime resolves is read (the manager chain and a choice by the approver before included).
    for (const rule of [{ kind: 'managerChain', levels: 2 }, { kind: 'chosen' }, { kind: 'departmentHead', level: 2 }, { kind: 'role', role: 'finance' }]) {
      const one = await processFromBpmn(around(`<bpmn:userTask id="x" tg:approvers="${attr([rule])}" />`));
      expect(one.nodes.find((n) => n.id === 'x')).toMatchObject({ approvers: [rule] });
    }
    // Attributes of other modelers' namespaces and extension elements are ignored.
    // One pool showing the process is drawing only.
    const pool = around('<bpmn:userTask id="x" />').replace(
      '</bpmn:definitions>',
      '<bpmn:collaboration id="c"><bpmn:participant id="pa" name="Sales" processRef="p" /><bpmn:textAnnotation id="t" /></bpmn:collaboration></bpmn:definitions>',
    );
    expect((await processFromBpmn(pool)).nodes).toHaveLength(3);
    const camunda = around(
      '<bpmn:userTask id="x" camunda:assignee="demo"><bpmn:extensionElements><camunda:properties /></bpmn:extensionElements></bpmn:userTask>',
    );
    expect((await processFromBpmn(camunda)).nodes).toHaveLength(3);
  });

  it('reads ISO-8601 durations strictly', () => {
    expect(isoMinutes('PT30M')).toBe(30);
    expect(isoMinutes('P1D')).toBe(1440);
    expect(isoMinutes('P1W')).toBe(10080);
    expect(isoMinutes('P1DT12H')).toBe(2160);
    expect(isoMinutes('PT90S')).toBe(1.5);
    expect(isoMinutes('PT0M')).toBe(0);
    for (const bad of ['P', 'PT', 'P1M', 'P1Y', '30m', 'PT-5M', 'P1DT', '\u0024{duration}', 'R3/PT1H', ' PT1H']) expect(isoMinutes(bad), bad).toBeUndefined();
  });

  const unsupported: [string, string, string][] = [
    ['a script task', '<bpmn:scriptTask id="x" />', 'bpmn:ScriptTask'],
    ['a plain task', '<bpmn:task id="x" />', 'bpmn:Task'],
    ['a send task', '<bpmn:sendTask id="x" />', 'bpmn:SendTask'],
    ['a receive task', '<bpmn:receiveTask id="x" />', 'bpmn:ReceiveTask'],
    ['a manual task', '<bpmn:manualTask id="x" />', 'bpmn:ManualTask'],
    ['a business rule task', '<bpmn:businessRuleTask id="x" />', 'bpmn:BusinessRuleTask'],
    ['a call activity', '<bpmn:callActivity id="x" />', 'bpmn:CallActivity'],
    ['an event-based gateway', '<bpmn:eventBasedGateway id="x" />', 'bpmn:EventBasedGateway'],
    ['a complex gateway', '<bpmn:complexGateway id="x" />', 'bpmn:ComplexGateway'],
    ['an intermediate throw event', '<bpmn:intermediateThrowEvent id="x" />', 'bpmn:IntermediateThrowEvent'],
    [
      'a message catch event',
      '<bpmn:intermediateCatchEvent id="x"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>',
      'bpmn:MessageEventDefinition',
    ],
    [
      'a timer with a date',
      '<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDate>2026-01-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
      'timeDate',
    ],
    [
      'a timer cycle',
      '<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
      'timeCycle',
    ],
    ['an ad-hoc sub-process', '<bpmn:adHocSubProcess id="x" />', 'bpmn:AdHocSubProcess'],
    ['a transaction', '<bpmn:transaction id="x" />', 'bpmn:Transaction'],
    [
      'a multi-instance task',
      '<bpmn:userTask id="x"><bpmn:multiInstanceLoopCharacteristics id="loop" /></bpmn:userTask>',
      'bpmn:MultiInstanceLoopCharacteristics',
    ],
    ['a standard loop', '<bpmn:userTask id="x"><bpmn:standardLoopCharacteristics id="loop" /></bpmn:userTask>', 'bpmn:StandardLoopCharacteristics'],
    ['a performer', '<bpmn:userTask id="x"><bpmn:potentialOwner id="owner" /></bpmn:userTask>', 'bpmn:PotentialOwner'],
  ];
  it.each(unsupported)('refuses %s with WORKFLOW_BPMN_UNSUPPORTED naming it', async (_what, element, named) => {
    const r = await refusal(around(element));
    expect(r.code).toBe('WORKFLOW_BPMN_UNSUPPORTED');
    expect(r.problems[0]?.code).toBe('WORKFLOW_BPMN_UNSUPPORTED');
    expect(r.problems[0]?.message).toContain(named);
    expect(r.problems[0]?.path).toMatch(/^(x|loop|owner)$/);
  });

  it('refuses elements outside the flow: event starts and ends, boundary events, event sub-processes, data, groups, other root elements', async () => {
    const cases: [string, string, string][] = [
      [
        definitions(
          '<bpmn:startEvent id="s"><bpmn:messageEventDefinition /></bpmn:startEvent><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e" />',
        ),
        's',
        'bpmn:StartEvent with bpmn:MessageEventDefinition',
      ],
      [
        definitions(
          '<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="e" /><bpmn:endEvent id="e"><bpmn:terminateEventDefinition /></bpmn:endEvent>',
        ),
        'e',
        'bpmn:EndEvent with bpmn:TerminateEventDefinition',
      ],
      [
        around('<bpmn:userTask id="x" /><bpmn:boundaryEvent id="b" attachedToRef="x"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>'),
        'b',
        'bpmn:BoundaryEvent',
      ],
      [around('<bpmn:userTask id="x" /><bpmn:subProcess id="ev" triggeredByEvent="true" />'), 'ev', 'event sub-process'],
      [around('<bpmn:userTask id="x" /><bpmn:dataObject id="d" />'), 'd', 'bpmn:DataObject'],
      [around('<bpmn:userTask id="x" /><bpmn:dataStoreReference id="ds" />'), 'ds', 'bpmn:DataStoreReference'],
      [around('<bpmn:userTask id="x" /><bpmn:group id="g" />'), 'g', 'bpmn:Group'],
      [definitions('<bpmn:startEvent id="s" />', '', '<bpmn:message id="m" name="hello" />'), 'm', 'bpmn:Message'],
      [
        definitions(
          '<bpmn:startEvent id="s" />',
          '',
          '<bpmn:collaboration id="c"><bpmn:participant id="pa" processRef="p" /><bpmn:participant id="pb" /></bpmn:collaboration>',
        ),
        'pa',
        'bpmn:Participant (only one pool',
      ],
      [
        definitions(
          '<bpmn:startEvent id="s" /><bpmn:userTask id="x" />',
          '',
          '<bpmn:collaboration id="c"><bpmn:participant id="pa" processRef="p" /><bpmn:messageFlow id="mf" sourceRef="s" targetRef="x" /></bpmn:collaboration>',
        ),
        'mf',
        'bpmn:MessageFlow',
      ],
      [definitions('<bpmn:startEvent id="s" />', '', '<bpmn:process id="second" />'), 'second', 'bpmn:Process'],
      [
        around(
          '<bpmn:exclusiveGateway id="x" default="f2" /><bpmn:sequenceFlow id="fc" sourceRef="x" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">a &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>',
        ),
        'fc',
        'javascript',
      ],
      [
        around(
          '<bpmn:exclusiveGateway id="x" default="f2" /><bpmn:sequenceFlow id="fc" sourceRef="x" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\u0024{a}</bpmn:conditionExpression></bpmn:sequenceFlow>',
        ),
        'fc',
        'no language',
      ],
    ];
    for (const [xml, path, named] of cases) {
      const r = await refusal(xml);
      expect(r.code, named).toBe('WORKFLOW_BPMN_UNSUPPORTED');
      const p = r.problems.find((x) => x.code === 'WORKFLOW_BPMN_UNSUPPORTED');
      expect(p?.path, named).toBe(path);
      expect(p?.message, named).toContain(named);
    }
  });

  it('refuses what is not BPMN XML with WORKFLOW_BPMN_INVALID', async () => {
    for (const xml of [
      '',
      'not xml',
      '<bpmn:definitions',
      '<foo/>',
      definitions('<bpmn:noSuchThing id="z" />'),
      around('<bpmn:userTask id="x" />').replace('targetRef="e"', 'targetRef="nowhere"'),
    ]) {
      const r = await refusal(xml);
      expect(r.code, xml).toBe('WORKFLOW_BPMN_INVALID');
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });

  it('refuses tg: attributes, timers and conditions that cannot be read (WORKFLOW_INVALID at the element)', async () => {
    const cases: [string, string][] = [
      ['<bpmn:userTask id="x" tg:mode="most" />', 'tg:mode'],
      ['<bpmn:userTask id="x" tg:ratio="half" />', 'tg:ratio'],
      ['<bpmn:userTask id="x" tg:approvers="not json" />', 'tg:approvers'],
      ['<bpmn:userTask id="x" tg:approvers="{}" />', 'tg:approvers'],
      [`<bpmn:userTask id="x" tg:approvers="${attr([{ kind: 'robot' }])}" />`, 'tg:approvers[0]'],
      ['<bpmn:userTask id="x" tg:whenNobody="skip" />', 'tg:whenNobody'],
      ['<bpmn:userTask id="x" tg:onReject="restart" />', 'tg:onReject'],
      ['<bpmn:userTask id="x" tg:timeoutAction="approve" />', 'tg:timeoutAction'],
      ['<bpmn:userTask id="x" tg:timeoutMinutes="10" tg:timeoutAction="escalate" />', 'tg:timeoutAction'],
      ['<bpmn:userTask id="x" tg:fields="[1]" />', 'tg:fields'],
      [`<bpmn:userTask id="x" tg:fields="${attr({ amount: 'write' })}" />`, 'tg:fields'],
      ['<bpmn:serviceTask id="x" tg:actions="{}" />', 'tg:actions'],
      [`<bpmn:serviceTask id="x" tg:actions="${attr([{ id: 'a' }])}" />`, 'tg:actions[0]'],
      [
        '<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition><bpmn:timeDuration>P1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
        'ISO-8601',
      ],
    ];
    for (const [element, named] of cases) {
      const r = await refusal(around(element));
      expect(r.code, element).toBe('WORKFLOW_INVALID');
      expect(r.problems[0]?.path, element).toBe('x');
      expect(r.problems[0]?.message, element).toContain(named);
    }
    const badCondition = around(
      '<bpmn:exclusiveGateway id="x" default="f2" /><bpmn:sequenceFlow id="fc" sourceRef="x" targetRef="e"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="application/json-logic+json">{oops</bpmn:conditionExpression></bpmn:sequenceFlow>',
    );
    expect((await refusal(badCondition)).problems).toEqual([expect.objectContaining({ code: 'WORKFLOW_INVALID', path: 'fc' })]);
  });

  it('refuses a graph the interpreter cannot run, at the element', async () => {
    // A ratio step without its ratio, a task with two outgoing flows, a task nothing leads to.
    const r = await refusal(around('<bpmn:userTask id="x" tg:mode="ratio" />'));
    expect(r).toEqual({ code: 'WORKFLOW_INVALID', problems: [expect.objectContaining({ code: 'WORKFLOW_INVALID', path: 'x' })] });
    const split = await refusal(around('<bpmn:userTask id="x" /><bpmn:sequenceFlow id="f3" sourceRef="x" targetRef="e" />'));
    expect(split.problems.map((p) => p.path)).toEqual(['x']);
    const none = await refusal(definitions('<bpmn:userTask id="x" />'));
    expect(none.code).toBe('WORKFLOW_INVALID');
    // A flattened sub-process's problems name the sub-process, not the join it became.
    const emptySub = await refusal(around('<bpmn:subProcess id="x"><bpmn:startEvent id="inner" /></bpmn:subProcess>'));
    expect(emptySub.problems.map((p) => [p.path, p.message])).toContainEqual(['inner', 'bpmn:StartEvent "inner" of sub-process "x" has no outgoing flow']);
    expect(emptySub.problems.map((p) => p.message).join('\n')).not.toMatch(/gateway|exclusive|inclusive/);
    const noProcess = await refusal(definitions('').replace(/<bpmn:process[\s\S]*<\/bpmn:process>/, ''));
    expect(noProcess.code).toBe('WORKFLOW_INVALID');
  });
});

describe('the bpmnlint rules', () => {
  it('agree with processFromBpmn: a diagram passes the linter exactly when the reader accepts it, each problem on the same element', async () => {
    const diagrams = [
      readFileSync(join(fixtures, 'tangram', 'every-element.bpmn'), 'utf8'),
      ...readdirSync(join(fixtures, 'tangram'))
        .filter((f) => f.endsWith('.bpmn'))
        .map((f) => readFileSync(join(fixtures, 'tangram', f), 'utf8')),
      ...readdirSync(join(fixtures, 'bpmn-io'))
        .filter((f) => f.endsWith('.bpmn'))
        .map((f) => readFileSync(join(fixtures, 'bpmn-io', f), 'utf8')),
      around('<bpmn:scriptTask id="x" />'),
      around('<bpmn:userTask id="x" tg:mode="most" />'),
      around('<bpmn:userTask id="x" tg:mode="ratio" />'),
      around('<bpmn:userTask id="x" /><bpmn:sequenceFlow id="f3" sourceRef="x" targetRef="e" />'),
      definitions('<bpmn:userTask id="x" />'),
    ];
    let refused = 0;
    for (const xml of diagrams) {
      let definitionsOk = true;
      try {
        await parseBpmn(xml);
      } catch {
        definitionsOk = false; // not BPMN: nothing to lint (the modeler cannot open it either)
      }
      if (!definitionsOk) continue;
      const reports = await lint(xml);
      const reader = await processFromBpmn(xml).then(
        () => [],
        (e: AppError) => (e.details.problems as { path?: string; message: string }[]) ?? [],
      );
      expect(reports.map((r) => [r.id, r.message]).sort()).toEqual(reader.map((p) => [p.path, p.message]).sort());
      if (reader.length) refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(5);
  });

  it('is a packed bpmnlint config (config + resolver) whose rules are tangram/*', async () => {
    expect(Object.keys(tangramLint.config.rules)).toEqual(['tangram/subset', 'tangram/attributes', 'tangram/graph']);
    expect(tangramLint.resolver.resolveRule('bpmnlint-plugin-tangram', 'subset')).toBeTypeOf('function');
    expect(tangramLint.resolver.resolveRule('bpmnlint', 'subset')).toBeNull();
    expect(checkDefinitions(await parseBpmn(around('<bpmn:userTask id="x" />')))).toEqual({ unsupported: [], invalid: [] });
  });
});
