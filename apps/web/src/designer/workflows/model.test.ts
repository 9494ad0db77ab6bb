import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { tangramModdle } from './descriptor';
import { durationMinutes, isoDuration, type ModdleElement, newDiagram, readJson, subsetProblems } from './model';

const moddle = new BpmnModdle({ tg: tangramModdle } as never);
const read = async (xml: string) => (await moddle.fromXML(xml)).rootElement as unknown as ModdleElement;

const wrap = (body: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="d" targetNamespace="x">
  ${extra}
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`;

describe('the supported subset', () => {
  it('accepts a new diagram and every supported element', async () => {
    expect(subsetProblems(await read(newDiagram('quote_approval')))).toEqual([]);
    const all = wrap(`
      <bpmn:startEvent id="s" />
      <bpmn:userTask id="u" name="经理审批" tg:mode="all" tg:approvers='[{"kind":"role","role":"sales_manager"}]' tg:fields='{"discount_rate":"edit"}' />
      <bpmn:serviceTask id="a" tg:actions="[]" />
      <bpmn:exclusiveGateway id="x" default="f2" />
      <bpmn:parallelGateway id="pg" />
      <bpmn:inclusiveGateway id="ig" />
      <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT30M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:subProcess id="sub"><bpmn:startEvent id="s2" /><bpmn:endEvent id="e2" /><bpmn:sequenceFlow id="f3" sourceRef="s2" targetRef="e2" /></bpmn:subProcess>
      <bpmn:endEvent id="e" />
      <bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="u"><bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression" language="application/json-logic+json">{"&gt;":[{"var":"discount_rate"},10]}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="e" />
      <bpmn:textAnnotation id="note"><bpmn:text>备注</bpmn:text></bpmn:textAnnotation>
      <bpmn:association id="as" sourceRef="u" targetRef="note" />`);
    const defs = await read(all);
    expect(subsetProblems(defs)).toEqual([]);
    const task = (defs.rootElements as ModdleElement[])[0]?.flowElements as ModdleElement[];
    expect(readJson(task[1] as ModdleElement, 'tg:approvers', [])).toEqual([{ kind: 'role', role: 'sales_manager' }]);
    expect(task[1]?.get('tg:mode')).toBe('all');
  });

  it('names each unsupported element by type, name and id', async () => {
    const defs = await read(
      wrap(`
      <bpmn:startEvent id="s"><bpmn:messageEventDefinition /></bpmn:startEvent>
      <bpmn:sendTask id="send_1" name="发邮件" />
      <bpmn:userTask id="u"><bpmn:multiInstanceLoopCharacteristics /></bpmn:userTask>
      <bpmn:boundaryEvent id="b" attachedToRef="u"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>
      <bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDate>2026-01-01</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      <bpmn:exclusiveGateway id="x" />
      <bpmn:sequenceFlow id="f" sourceRef="x" targetRef="u"><bpmn:conditionExpression xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="bpmn:tFormalExpression">\${amount &gt; 10}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:serviceTask id="a" tg:actions="not json" />
      <bpmn:dataObjectReference id="d1" />`),
    );
    const problems = subsetProblems(defs);
    expect(problems.map((p) => p.id)).toEqual(['s', 'send_1', 'u', 'b', 't', 'f', 'a', 'd1']);
    expect(problems.find((p) => p.id === 'send_1')?.message).toBe('不支持的元素 bpmn:SendTask「发邮件」（send_1）');
    expect(problems.find((p) => p.id === 's')?.message).toContain('bpmn:MessageEventDefinition');
    expect(subsetProblems(defs, 'en').find((p) => p.id === 'b')?.message).toBe('Unsupported element bpmn:BoundaryEvent "" (b)');
  });

  it('refuses pools and files without a process', async () => {
    const collab = await read(
      wrap('<bpmn:startEvent id="s" />', '<bpmn:collaboration id="c"><bpmn:participant id="pa" processRef="p" /></bpmn:collaboration>'),
    );
    expect(subsetProblems(collab).map((p) => [p.id, p.type])).toEqual([['c', 'bpmn:Collaboration']]);
    const empty = await read('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x"></bpmn:definitions>');
    expect(subsetProblems(empty)[0]?.message).toBe('文件里没有流程');
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
