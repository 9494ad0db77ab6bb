import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TemplatePackage, loadPackage, writePackage } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTemplates } from '../testing/crm-tenant';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';

// CRM 1.4's workflows (templates/crm/workflows: a JSON and its .bpmn each): installed and read into
// processes, exported and imported unchanged, and an upgrade keeps a tenant's customised workflow
// while it brings the template's new ones.

const registry = bundledTemplates();
const crm = registry.get('crm') as TemplatePackage;

/** CRM 1.3 as it shipped: 1.4 without its workflows, the legal and general manager roles and the contract's 已通过 status. */
function crm13(): TemplatePackage {
  const p = structuredClone(crm);
  p.manifest.version = '1.3.0';
  p.workflows = [];
  p.roles = p.roles.filter((r) => r.name !== 'legal' && r.name !== 'general_manager');
  const status = p.objects.find((o) => o.name === 'contract')?.fields.find((f) => f.name === 'status');
  const options = (status!.options as { options: { key: string }[] }).options;
  options.splice(
    options.findIndex((o) => o.key === 'approved'),
    1,
  );
  return p;
}

describe('the CRM template package', () => {
  it('is version 1.4 or later and carries its workflows as JSON + .bpmn files', () => {
    expect(crm.manifest.version.localeCompare('1.4.0', 'en', { numeric: true })).toBeGreaterThanOrEqual(0);
    expect(crm.workflows?.map((w) => [w.name, w.object, w.bpmn.startsWith('<?xml')])).toEqual([
      ['contract_approval', 'contract', true],
      ['quote_discount', 'quote', true],
    ]);
    expect(crm.roles.map((r) => r.name)).toEqual(expect.arrayContaining(['legal', 'general_manager', 'sales_manager', 'finance']));
  });

  it('writes and reads back a workflow as its JSON naming the .bpmn next to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tangram-wf-'));
    try {
      writePackage(dir, crm);
      expect(readdirSync(join(dir, 'workflows')).sort()).toEqual([
        'contract_approval.bpmn',
        'contract_approval.json',
        'quote_discount.bpmn',
        'quote_discount.json',
      ]);
      expect(JSON.parse(readFileSync(join(dir, 'workflows', 'quote_discount.json'), 'utf8')).bpmn).toBe('quote_discount.bpmn');
      expect(loadPackage(dir).workflows).toEqual(crm.workflows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(await backends())('CRM workflows on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.templates.install('crm', (n) => (n === 'crm' ? crm13() : registry.get(n)));
  }, 120_000);
  afterAll(() => t.close());

  it('an upgrade from 1.3 brings the workflows, read into processes, with the new roles', async () => {
    expect((await t.tenant.model()).app.workflows).toEqual([]);
    const result = await t.tenant.templates.install('crm', (n) => registry.get(n));
    expect(result.installed).toEqual([{ name: 'crm', version: crm.manifest.version, from: '1.3.0' }]);
    expect(result.conflicts).toEqual([]);
    const app = (await t.tenant.model()).app;
    const quote = app.workflows.find((w) => w.name === 'quote_discount');
    const contract = app.workflows.find((w) => w.name === 'contract_approval');
    expect(quote).toMatchObject({ start: { button: true, onCreate: false }, enabled: true, statusValues: { running: 'approving', approved: 'approved' } });
    expect(quote?.process.nodes.filter((n) => n.kind === 'userTask').map((n) => [n.id, n.kind === 'userTask' && n.mode])).toEqual([
      ['manager', 'any'],
      ['manager_finance', 'all'],
    ]);
    expect(contract?.process.nodes.filter((n) => n.kind === 'userTask').map((n) => n.id)).toEqual(['manager', 'legal_finance', 'general_manager']);
    expect(contract?.process.flows.find((f) => f.id === 'amount_large')?.condition).toEqual({ '>': [{ var: 'amount' }, 1000000] });
    const roles = (await t.tenant.access.roles()).map((r) => r.name);
    expect(roles).toEqual(expect.arrayContaining(['legal', 'general_manager']));
  });

  it('exports the workflows without their read process, and installs the export as it was', async () => {
    const exported = await t.tenant.templates.export('crm');
    expect(exported.workflows?.map((w) => w.name).sort()).toEqual(['contract_approval', 'quote_discount']);
    for (const w of exported.workflows ?? []) {
      expect(w).not.toHaveProperty('process');
      expect(w.bpmn).toBe(crm.workflows?.find((x) => x.name === w.name)?.bpmn);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tangram-wf-export-'));
    try {
      writePackage(dir, exported);
      expect(loadPackage(dir).workflows).toEqual(exported.workflows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an upgrade keeps the tenant's customised workflow and takes the template's change to another", async () => {
    // The tenant relabels the quote approval and changes its diagram (the manager step's timeout).
    const app = structuredClone((await t.tenant.schema.current())!);
    const quote = app.workflows.find((w) => w.name === 'quote_discount')!;
    quote.label = { 'zh-CN': '报价审批（本公司）', en: 'Quote approval (ours)' };
    quote.bpmn = quote.bpmn.replace('tg:timeoutMinutes="1440"', 'tg:timeoutMinutes="480"');
    await t.tenant.schema.publish(app);
    // The next template version changes the contract approval's threshold.
    const next = structuredClone(crm);
    next.manifest.version = '9.9.0';
    const contract = next.workflows?.find((w) => w.name === 'contract_approval');
    contract!.bpmn = contract!.bpmn.replace('{"var":"amount"},1000000', '{"var":"amount"},2000000');
    expect(contract!.bpmn).toContain('2000000');
    const result = await t.tenant.templates.install('crm', (n) => (n === 'crm' ? next : registry.get(n)));
    expect(result.conflicts).toEqual([]);
    const after = (await t.tenant.model()).app.workflows;
    const ours = after.find((w) => w.name === 'quote_discount');
    expect(ours?.label['zh-CN']).toBe('报价审批（本公司）');
    expect(ours?.process.nodes.find((n) => n.id === 'manager')).toMatchObject({ timeout: { minutes: 480 } });
    const theirs = after.find((w) => w.name === 'contract_approval');
    expect(theirs?.process.flows.find((f) => f.id === 'amount_large')?.condition).toEqual({ '>': [{ var: 'amount' }, 2000000] });
  });
});
