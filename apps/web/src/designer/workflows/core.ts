import type { WorkflowInput } from '@tangram/metadata';
import { type DesignDoc, namedList, putNamed } from '../designer-core';
import { type Lang, wfText } from './messages';

/** The draft's workflows (designer → 流程), a named list like the buttons and automations. */
export const workflowsOf = (doc: DesignDoc): WorkflowInput[] => namedList<WorkflowInput>(doc, 'workflows');
export const putWorkflow = (before: WorkflowInput | undefined, after: WorkflowInput | undefined) => putNamed('workflows', 'workflow.put', before, after);

export function freeWorkflowName(doc: DesignDoc): string {
  const used = new Set(workflowsOf(doc).map((w) => w.name));
  for (let i = 1; ; i++) if (!used.has(`workflow_${i}`)) return `workflow_${i}`;
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
