import type { Process, ProcessNode, UserTaskNode } from '@tangram/engine';
import type { LightMyRequestResponse } from 'fastify';
import { type AccessWorld, accessApp, type Person } from './access-fixture';
import type { Session, TestServer } from './harness';

// Approval processes for the API tests, written as a line of steps: each step an approval of
// given members in a mode. `install` makes them the tenant's published workflows on `deal`.

export interface StepSpec extends Omit<Partial<UserTaskNode>, 'approvers'> {
  id: string;
  approvers: Person[];
  /** The approver before chooses this step's approvers (`{ "kind": "chosen" }`). */
  chosen?: boolean;
}

export interface WorkflowSpec {
  name: string;
  steps: StepSpec[];
  withdrawAfterApproval?: boolean;
  enabled?: boolean;
}

/** start → steps in order → end. */
export function lineProcess(spec: WorkflowSpec, ids: Record<Person, string>): Process {
  const nodes: ProcessNode[] = [
    { id: 'start', kind: 'start' },
    ...spec.steps.map(
      ({ approvers, chosen: _c, ...s }): UserTaskNode => ({
        kind: 'userTask',
        mode: 'any',
        ...s,
        approvers: [{ type: 'users', ids: approvers.map((p) => ids[p]) }],
      }),
    ),
    { id: 'end', kind: 'end' },
  ];
  const order = nodes.map((n) => n.id);
  const flows = order.slice(1).map((to, i) => ({ id: `f${i}`, from: order[i] as string, to }));
  return { id: spec.name, nodes, flows, ...(spec.withdrawAfterApproval ? { withdrawAfterApproval: true } : {}) };
}

const xml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** The process as BPMN XML of the supported subset (the `tg:` dialect of the contract). */
export function lineBpmn(spec: WorkflowSpec, ids: Record<Person, string>): string {
  const p = lineProcess(spec, ids);
  const el = (n: ProcessNode) => {
    if (n.kind === 'start') return `<bpmn:startEvent id="${n.id}"/>`;
    if (n.kind === 'end') return `<bpmn:endEvent id="${n.id}"/>`;
    const u = n as UserTaskNode;
    const step = spec.steps.find((s) => s.id === u.id) as StepSpec;
    const attrs = [
      `id="${u.id}"`,
      u.name ? `name="${xml(u.name)}"` : '',
      `tg:mode="${u.mode}"`,
      u.ratio !== undefined ? `tg:ratio="${u.ratio}"` : '',
      `tg:approvers="${xml(JSON.stringify(step.chosen ? [{ kind: 'chosen' }] : [{ kind: 'users', users: step.approvers.map((x) => ids[x]) }]))}"`,
      u.onReject ? `tg:onReject="${u.onReject}"` : '',
      u.fields ? `tg:fields="${xml(JSON.stringify(u.fields))}"` : '',
    ];
    return `<bpmn:userTask ${attrs.filter(Boolean).join(' ')}/>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="defs_${spec.name}" targetNamespace="https://tangram.dev/test">
  <bpmn:process id="${spec.name}" isExecutable="true"${spec.withdrawAfterApproval ? ' tg:withdrawAfterApproval="true"' : ''}>
    ${p.nodes.map(el).join('\n    ')}
    ${p.flows.map((f) => `<bpmn:sequenceFlow id="${f.id}" sourceRef="${f.from}" targetRef="${f.to}"/>`).join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;
}

/** Publishes the access app with these workflows on `deal` (their diagrams as BPMN XML). */
export async function install(s: TestServer, w: AccessWorld, specs: WorkflowSpec[]): Promise<void> {
  const workflows = specs.map((spec) => ({
    name: spec.name,
    label: { 'zh-CN': `审批 ${spec.name}`, en: `Approval ${spec.name}` },
    object: 'deal',
    bpmn: lineBpmn(spec, w.ids),
    ...(spec.enabled === false ? { enabled: false } : {}),
  }));
  const res = await s.as(w.admin, { method: 'POST', url: `${w.base}/metadata/publish`, payload: { metadata: { ...accessApp, workflows } } });
  if (res.statusCode >= 300) throw new Error(`publish workflows: ${res.statusCode} ${res.body}`);
}

export interface ApprovalClient {
  call(who: Session, method: 'GET' | 'POST', url: string, payload?: object): Promise<LightMyRequestResponse>;
  submit(who: Person, workflow: string, record: string, comment?: string): Promise<LightMyRequestResponse>;
  get(who: Person, id: string): Promise<LightMyRequestResponse>;
  act(who: Person, id: string, body: object): Promise<LightMyRequestResponse>;
  /** The open task of `who` in the instance (from their instance view). */
  task(who: Person, id: string): Promise<string>;
}

export function approvalClient(s: TestServer, w: AccessWorld): ApprovalClient {
  const call = (who: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
    s.as(who, { method, url: `${w.base}${url}`, ...(payload ? { payload } : {}) });
  const client: ApprovalClient = {
    call,
    submit: (who, workflow, record, comment) =>
      call(w.sessions[who], 'POST', `/records/deal/${record}/approvals`, { workflow, ...(comment ? { comment } : {}) }),
    get: (who, id) => call(w.sessions[who], 'GET', `/approvals/${id}`),
    act: (who, id, body) => call(w.sessions[who], 'POST', `/approvals/${id}/actions`, body),
    async task(who, id) {
      const res = await client.get(who, id);
      const t = res.json().can?.myTask;
      if (!t) throw new Error(`${who} has no open task in ${id}: ${res.body}`);
      return t;
    },
  };
  return client;
}
