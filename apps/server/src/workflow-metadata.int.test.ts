import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

// The workflows section over HTTP: the designer's draft takes it like the other named lists,
// publishing reads the diagram (201 with the process), a diagram outside the subset or a status
// field that does not fit answers 400 with each problem at its path.

const objects = [
  {
    name: 'quote',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'discount_rate', type: 'decimal' },
      { name: 'discount_amount', type: 'currency' },
      { name: 'status', type: 'select', options: { options: [{ key: 'draft' }, { key: 'approving' }, { key: 'approved' }] } },
    ],
  },
];
const bpmn = readFileSync(join(import.meta.dirname, '..', '..', '..', 'templates', 'crm', 'workflows', 'quote_discount.bpmn'), 'utf8');
const workflow = {
  name: 'quote_discount',
  label: { 'zh-CN': '报价折扣审批' },
  object: 'quote',
  bpmn,
  statusField: 'status',
  statusValues: { running: 'approving', approved: 'approved', rejected: 'draft' },
};

describe.each(await backends())('workflows in the metadata over HTTP on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
    // The roles the CRM's quote approval names (its approvers must be roles of the tenant).
    for (const [name, label] of [
      ['sales_manager', '销售经理'],
      ['finance', '财务'],
    ]) {
      const role = await s.as(admin, { method: 'PUT', url: `${base}/access/roles/${name}`, payload: { label, objects: {} } });
      expect(role.statusCode, role.body).toBe(200);
    }
  });
  afterAll(() => s.close());

  it('a draft with a workflow is saved as typed and published with its process read', async () => {
    const saved = await s.as(admin, { method: 'PUT', url: `${base}/metadata/draft`, payload: { metadata: { objects, workflows: [workflow] } } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().metadata.workflows[0].name).toBe('quote_discount');
    const pub = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { message: 'workflow' } });
    expect(pub.statusCode, pub.body).toBe(201);
    const current = (await s.as(admin, { url: `${base}/metadata` })).json();
    const [w] = current.metadata.workflows;
    expect(w).toMatchObject({ name: 'quote_discount', start: { button: true, onCreate: false }, enabled: true });
    expect(w.process.nodes.map((n: { id: string }) => n.id)).toEqual(['submitted', 'rate', 'manager', 'manager_finance', 'approved']);
  });

  it('refuses a diagram outside the subset and a status value that is no option, each at its path', async () => {
    const script = bpmn.replace('<bpmn:endEvent id="approved"', '<bpmn:scriptTask id="calc" /><bpmn:endEvent id="approved"');
    const res = await s.as(admin, {
      method: 'POST',
      url: `${base}/metadata/publish`,
      payload: { metadata: { objects, workflows: [{ ...workflow, bpmn: script, statusValues: { approved: 'won' } }] } },
    });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('METADATA_INVALID');
    expect(error.details.problems.map((p: { code: string; path: string }) => [p.code, p.path])).toEqual([
      ['WORKFLOW_BPMN_UNSUPPORTED', '/workflows/0/bpmn/calc'],
      ['WORKFLOW_STATUS_FIELD_INVALID', '/workflows/0/statusValues/approved'],
    ]);
    expect(error.details.problems[0].message).toContain('bpmn:ScriptTask');
    const plan = await s.as(admin, {
      method: 'POST',
      url: `${base}/metadata/plan`,
      payload: { metadata: { objects, workflows: [{ ...workflow, bpmn: 'not xml' }] } },
    });
    expect(plan.statusCode, plan.body).toBe(400);
    expect(plan.json().error.details.problems).toEqual([expect.objectContaining({ code: 'WORKFLOW_BPMN_INVALID', path: '/workflows/0/bpmn' })]);
  });
});
