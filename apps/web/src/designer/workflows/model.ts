import { type Lang, type WfKey, wfText } from './messages';

// The diagram side of a workflow: a new diagram, the supported BPMN subset checked on the moddle
// tree (what the modeler holds, or a file read by bpmn-moddle), and the `tg:` attributes' values.

export type { Lang };
export const jsonLogicLanguage = 'application/json-logic+json';

/** A moddle element as bpmn-js and bpmn-moddle hand it out (only what is read here). */
export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  get(name: string): unknown;
  [key: string]: unknown;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A new workflow's diagram: a start and an end event, not yet connected. */
export function newDiagram(name: string, lang: Lang = 'zh-CN'): string {
  const start = escapeXml(wfText(lang, 'palette.start'));
  const end = escapeXml(wfText(lang, 'palette.end'));
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="Definitions_${name}" targetNamespace="https://tangram.dev/schema/bpmn/1">
  <bpmn:process id="Process_${name}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="${start}" />
    <bpmn:endEvent id="EndEvent_1" name="${end}" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_${name}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="152" y="182" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="652" y="182" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** Minutes of an ISO-8601 duration (PT30M, P1D, P1DT2H); undefined when it is not one (or has years/months). */
export function durationMinutes(iso: string | undefined): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso?.trim() ?? '');
  if (!m || iso?.trim() === 'P' || iso?.trim().endsWith('T')) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number];
  const total = w * 7 * 1440 + d * 1440 + h * 60 + min + s / 60;
  return total > 0 ? total : undefined;
}

/** An ISO-8601 duration of whole minutes: PT45M, PT2H, P1D, P1DT2H30M. */
export function isoDuration(minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  const days = Math.floor(whole / 1440);
  const hours = Math.floor((whole % 1440) / 60);
  const mins = whole % 60;
  const time = `${hours ? `${hours}H` : ''}${mins ? `${mins}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** A JSON attribute's value (tg:approvers, tg:fields, tg:actions); `fallback` when unset, undefined when not JSON. */
export function readJson<T>(el: ModdleElement, attr: string, fallback: T): T | undefined {
  const text = el.get(attr);
  if (typeof text !== 'string' || text.trim() === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export interface SubsetProblem {
  /** The element's id (a diagram element of the same id shows the problem), or '' for the file. */
  id: string;
  type: string;
  message: string;
}

const flowNodeTypes = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:IntermediateCatchEvent',
  'bpmn:SequenceFlow',
  'bpmn:SubProcess',
]);
const ignoredTypes = new Set(['bpmn:TextAnnotation', 'bpmn:Association']);
const jsonAttributes: Record<string, string[]> = {
  'bpmn:UserTask': ['tg:approvers', 'tg:fields'],
  'bpmn:ServiceTask': ['tg:actions'],
};

/**
 * What of a diagram is outside the subset the engine runs (issue 15's contract): every
 * unsupported element by type, name and id; events with event definitions other than an
 * intermediate timer; loop markers; a timer without a duration; a condition that is not JSON
 * Logic; `tg:` JSON attributes that do not parse. An empty list: the diagram is inside.
 */
export function subsetProblems(definitions: ModdleElement, lang: Lang = 'zh-CN'): SubsetProblem[] {
  const problems: SubsetProblem[] = [];
  const say = (el: ModdleElement, key: WfKey, vars: Record<string, string | number> = {}) =>
    problems.push({
      id: el.id ?? '',
      type: el.$type,
      message: wfText(lang, key, { type: el.$type, name: el.name ?? '', id: el.id ?? '', ...vars }),
    });
  const roots = ((definitions.rootElements as ModdleElement[] | undefined) ?? []).filter(
    (r) => r.$type !== 'bpmn:Message' && r.$type !== 'bpmn:Signal' && r.$type !== 'bpmn:Error' && r.$type !== 'bpmn:Escalation',
  );
  const processes = roots.filter((r) => r.$type === 'bpmn:Process');
  for (const r of roots) if (r.$type !== 'bpmn:Process') say(r, 'subset.unsupported');
  if (processes.length === 0) problems.push({ id: '', type: 'bpmn:Definitions', message: wfText(lang, 'subset.noProcess') });
  if (processes.length > 1) problems.push({ id: '', type: 'bpmn:Definitions', message: wfText(lang, 'subset.manyProcesses', { count: processes.length }) });

  const visit = (container: ModdleElement) => {
    for (const a of (container.artifacts as ModdleElement[] | undefined) ?? []) if (!ignoredTypes.has(a.$type)) say(a, 'subset.unsupported');
    for (const el of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      if (!flowNodeTypes.has(el.$type)) {
        say(el, 'subset.unsupported');
        continue;
      }
      if (el.$type === 'bpmn:SubProcess' && el.triggeredByEvent) {
        say(el, 'subset.unsupported', { type: 'bpmn:SubProcess (event)' });
        continue;
      }
      if (el.loopCharacteristics) say(el, 'subset.loop');
      const definitions = (el.eventDefinitions as ModdleElement[] | undefined) ?? [];
      if (el.$type === 'bpmn:IntermediateCatchEvent') {
        const timer = definitions.length === 1 && definitions[0]?.$type === 'bpmn:TimerEventDefinition' ? definitions[0] : undefined;
        if (!timer) say(el, 'subset.eventDefinition', { definition: definitions.map((d) => d.$type).join(', ') || 'bpmn:IntermediateCatchEvent' });
        else if (durationMinutes((timer.timeDuration as ModdleElement | undefined)?.body as string | undefined) === undefined) say(el, 'subset.timer');
      } else if (definitions.length) say(el, 'subset.eventDefinition', { definition: definitions.map((d) => d.$type).join(', ') });
      if (el.$type === 'bpmn:SequenceFlow') {
        const cond = el.conditionExpression as ModdleElement | undefined;
        if (cond) {
          const body = typeof cond.body === 'string' ? cond.body : '';
          let ok = cond.language === jsonLogicLanguage;
          try {
            if (ok) JSON.parse(body);
          } catch {
            ok = false;
          }
          if (!ok) say(el, 'subset.condition');
        }
      }
      for (const attr of jsonAttributes[el.$type] ?? []) if (readJson(el, attr, null) === undefined) say(el, 'subset.json', { attribute: attr });
      if (el.$type === 'bpmn:SubProcess') visit(el);
    }
  };
  for (const p of processes) visit(p);
  return problems;
}
