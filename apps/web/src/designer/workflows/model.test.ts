import { parseBpmn } from '@tangram/bpmn';
import { describe, expect, it } from 'vitest';
import { newDiagram } from './core';
import { durationMinutes, isoDuration, type ModdleElement, readJson, subsetProblems } from './model';

const read = async (xml: string) => (await parseBpmn(xml)) as unknown as ModdleElement;

const wrap = (body: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="d" targetNamespace="x">
  ${extra}
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`;

const complete = `
      <bpmn:startEvent id="s" />
      <bpmn:exclusiveGateway id="x" default="f3" />
      <bpmn:userTask id="u" name="经理审批" tg:mode="all" tg:approvers='[{"kind":"role","role":"sales_manager"}]' tg:fields='{"discount_rate":"edit"}' />
      <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT30M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:endEvent id="e" />
      <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x" />
      <bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="u"><bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression" language="application/json-logic+json">{"&gt;":[{"var":"discount_rate"},10]}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="f3" sourceRef="x" targetRef="e" />
      <bpmn:sequenceFlow id="f4" sourceRef="u" targetRef="t" />
      <bpmn:sequenceFlow id="f5" sourceRef="t" targetRef="e" />
      <bpmn:textAnnotation id="note"><bpmn:text>备注</bpmn:text></bpmn:textAnnotation>
      <bpmn:association id="as" sourceRef="u" targetRef="note" />`;

describe('the modeler’s check of a diagram (the reader publish uses)', () => {
  it('passes a complete diagram of the subset and reads its tg: attributes', async () => {
    const defs = await read(wrap(complete));
    expect(subsetProblems(defs)).toEqual([]);
    const elements = (defs.rootElements as ModdleElement[])[0]?.flowElements as ModdleElement[];
    const task = elements.find((e) => e.id === 'u') as ModdleElement;
    expect(readJson(task, 'tg:approvers', [])).toEqual([{ kind: 'role', role: 'sales_manager' }]);
    expect(task.get('tg:mode')).toBe('all');
  });

  it('a new diagram is only incomplete: its start and end are not connected yet', async () => {
    const problems = subsetProblems(await read(newDiagram('quote_approval')));
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.kind))).toEqual(new Set(['graph']));
    expect(problems.every((p) => p.id === 'StartEvent_1' || p.id === 'EndEvent_1')).toBe(true);
  });

  it('names each element outside the subset by type, name and id, in the user’s language', async () => {
    const defs = await read(
      wrap(`
      <bpmn:startEvent id="s"><bpmn:messageEventDefinition /></bpmn:startEvent>
      <bpmn:sendTask id="send_1" name="发邮件" />
      <bpmn:boundaryEvent id="b" attachedToRef="send_1"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>
      <bpmn:exclusiveGateway id="x" />
      <bpmn:sequenceFlow id="f" sourceRef="x" targetRef="send_1"><bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression">\${amount &gt; 10}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:dataObjectReference id="d1" />`),
    );
    const problems = subsetProblems(defs);
    expect(problems.every((p) => p.kind === 'unsupported')).toBe(true);
    expect(problems.map((p) => p.id).sort()).toEqual(['b', 'd1', 'f', 's', 'send_1']);
    expect(problems.find((p) => p.id === 'send_1')?.message).toBe('不支持的元素 bpmn:SendTask「发邮件」（send_1）');
    expect(problems.find((p) => p.id === 's')?.message).toContain('bpmn:MessageEventDefinition');
    expect(subsetProblems(defs, 'en').find((p) => p.id === 'b')?.message).toBe('Unsupported element bpmn:BoundaryEvent (b)');
  });

  it('reports tg: attributes it cannot read at their element, without refusing the element', async () => {
    const defs = await read(wrap(complete.replace(`tg:mode="all"`, `tg:mode="most"`)));
    const problems = subsetProblems(defs);
    expect(problems).toEqual([expect.objectContaining({ id: 'u', kind: 'invalid', message: expect.stringContaining('「经理审批」（u）') })]);
  });
});

describe('timer durations', () => {
  it('reads ISO-8601 durations into minutes and writes whole minutes back', () => {
    expect(durationMinutes('PT30M')).toBe(30);
    expect(durationMinutes('P1D')).toBe(1440);
    expect(durationMinutes('P1DT2H30M')).toBe(1440 + 150);
    expect(durationMinutes('P1W')).toBe(7 * 1440);
    for (const bad of ['', 'P', 'PT', '30M', 'P1Y', 'P1M', 'PT0M', undefined]) expect(durationMinutes(bad)).toBeUndefined();
    for (const m of [1, 45, 60, 90, 1440, 1441, 3000, 10080]) expect(durationMinutes(isoDuration(m))).toBe(m);
    expect(isoDuration(1440 + 150)).toBe('P1DT2H30M');
    expect(isoDuration(120)).toBe('PT2H');
  });
});
