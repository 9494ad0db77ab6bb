import { randomBytes } from 'node:crypto';
import { resolveApp } from '@tangram/fields';
import type { TemplatePackage } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTemplates } from '../testing/crm-tenant';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';

// CRM 1.2 added the rules (templates/crm/automations), the lead_event object, the MQL lead status
// and the service_manager role. A tenant that installed 1.1 and customised it upgrades keeping
// its changes and gaining the rules (1.3 reads the SLA policy's times through the ticket's lookup).

const registry = bundledTemplates();
const crm12 = registry.get('crm') as TemplatePackage;

/** CRM 1.1 as it shipped: 1.2 without what 1.2 added. */
function crm11(): TemplatePackage {
  const p = structuredClone(crm12);
  p.manifest.version = '1.1.0';
  p.automations = [];
  p.objects = p.objects.filter((o) => o.name !== 'lead_event');
  p.roles = p.roles.filter((r) => r.name !== 'service_manager');
  for (const r of p.roles) delete (r.objects as Record<string, unknown> | undefined)?.lead_event;
  const lead = p.objects.find((o) => o.name === 'lead');
  const status = lead?.fields.find((f) => f.name === 'status');
  const options = (status?.options as { options: { key: string }[] } | undefined)?.options ?? [];
  options.splice(
    options.findIndex((o) => o.key === 'mql'),
    1,
  );
  delete lead?.fields.find((f) => f.name === 'score')?.description;
  return p;
}

describe.each(await backends())('upgrading CRM 1.1 → 1.3 on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    const v11 = crm11();
    await t.tenant.templates.install('crm', (n) => (n === 'crm' ? v11 : registry.get(n)));
  }, 120_000);
  afterAll(() => t.close());

  it('keeps a changed label and an added field, and gains the rules, the lead events and the MQL status', async () => {
    // The bundled CRM is 1.2 or later: what 1.2 added is in it.
    expect(crm12.manifest.version.localeCompare('1.2.0', 'en', { numeric: true })).toBeGreaterThanOrEqual(0);
    expect((await t.tenant.model()).app.automations).toEqual([]);
    // The tenant renames a field, adds one of its own, and switches off nothing.
    const app = structuredClone((await t.tenant.schema.current())!);
    const opportunity = app.objects.find((o) => o.name === 'opportunity')!;
    opportunity.fields.find((f) => f.name === 'next_step')!.label = { 'zh-CN': '下一步行动计划', en: 'Next action' };
    const added = resolveApp({ objects: [{ name: 'opportunity', fields: [{ name: 'partner_code', type: 'text', label: { 'zh-CN': '渠道编码' } }] }] });
    opportunity.fields.push(added.objects[0]!.fields[0]!);
    await t.tenant.schema.publish(app);

    const result = await t.tenant.templates.install('crm', (n) => registry.get(n));
    expect(result.installed).toEqual([{ name: 'crm', version: crm12.manifest.version, from: '1.1.0' }]);
    expect(result.conflicts).toEqual([]);

    const model = await t.tenant.model();
    const opp = model.app.objects.find((o) => o.name === 'opportunity')!;
    expect(opp.fields.find((f) => f.name === 'next_step')?.label).toEqual({ 'zh-CN': '下一步行动计划', en: 'Next action' });
    expect(opp.fields.find((f) => f.name === 'partner_code')?.type).toBe('text');
    expect(model.app.automations.map((a) => a.name).sort()).toEqual((crm12.automations ?? []).map((a) => a.name).sort());
    expect(model.byName.has('lead_event')).toBe(true);
    expect((await t.tenant.access.roles()).map((r) => r.name)).toContain('service_manager');

    // The rules run on the upgraded tenant, and the tenant's field is still written.
    const account = await t.tenant.records.create('account', { name: `升级客户${randomBytes(3).toString('hex')}有限公司` });
    const o = await t.tenant.records.create('opportunity', { name: '升级后的商机', account: account.id, partner_code: 'P-01' });
    const moved = await t.tenant.records.update('opportunity', o.id as string, { stage: 'needs' });
    expect(moved).toMatchObject({ probability: 20, partner_code: 'P-01' });
    const lead = await t.tenant.records.create('lead', { company: '升级线索', contact_name: '赵六', email: `z${randomBytes(3).toString('hex')}@x.test` });
    expect((await t.tenant.records.update('lead', lead.id as string, { status: 'mql' })).status).toBe('mql');
  });
});

/** CRM 1.2, near enough: its ticket rule gave the default policy's times without reading the ticket's policy. */
function crm12Shipped(): TemplatePackage {
  const p = structuredClone(crm12);
  p.manifest.version = '1.2.0';
  const byPriority = (times: Record<string, number>) => ({
    addMinutes: [{ var: '$now' }, { if: [...['urgent', 'high', 'medium'].flatMap((k) => [{ '==': [{ var: 'priority' }, k] }, times[k]]), times.low] }],
  });
  p.automations = (p.automations ?? []).map((a) =>
    a.name !== 'ticket_sla_due'
      ? a
      : {
          ...a,
          actions: [
            {
              id: 'sla_due',
              kind: 'setFields',
              values: [
                { field: 'response_due_at', formula: byPriority({ urgent: 30, high: 60, medium: 240, low: 480 }) },
                { field: 'resolve_due_at', formula: byPriority({ urgent: 480, high: 1440, medium: 2880, low: 7200 }) },
              ],
            },
          ],
        },
  );
  return p;
}

describe.each(await backends())('upgrading CRM 1.2 → the bundled CRM (1.3 or later) on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    const v12 = crm12Shipped();
    await t.tenant.templates.install('crm', (n) => (n === 'crm' ? v12 : registry.get(n)));
  }, 120_000);
  afterAll(() => t.close());

  it('takes the ticket rule that reads the SLA policy: a ticket under a policy gets its times', async () => {
    const policy = await t.tenant.records.create('sla_policy', {
      name: `升级策略${randomBytes(3).toString('hex')}`,
      high_response_minutes: 20,
      high_resolve_hours: 5,
    });
    const before = await t.tenant.records.create('ticket', { subject: '升级前', priority: 'high', sla_policy: policy.id });
    const created = Date.parse(before.created_at as string);
    expect(Date.parse(before.response_due_at as string) - created).toBe(60 * 60_000);

    const result = await t.tenant.templates.install('crm', (n) => registry.get(n));
    expect(result.installed).toEqual([{ name: 'crm', version: registry.get('crm')?.manifest.version, from: '1.2.0' }]);
    expect(result.conflicts).toEqual([]);
    const after = await t.tenant.records.create('ticket', { subject: '升级后', priority: 'high', sla_policy: policy.id });
    const at = Date.parse(after.created_at as string);
    expect([Date.parse(after.response_due_at as string) - at, Date.parse(after.resolve_due_at as string) - at]).toEqual([20 * 60_000, 5 * 3_600_000]);
  });
});
