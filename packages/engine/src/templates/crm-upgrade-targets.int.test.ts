import { randomBytes } from 'node:crypto';
import type { TemplatePackage } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledTemplates } from '../testing/crm-tenant';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';

// CRM 1.3 adds the sales targets' period bounds and the rules that keep their actual value, and
// the rule that gives a ticket its SLA policy. A tenant that installed 1.2 and customised a
// target's label upgrades keeping it and gaining them.

const registry = bundledTemplates();
const current = registry.get('crm') as TemplatePackage;
/** What 1.3 added (the rules by name). */
const added = (name: string) =>
  name === 'sales_target_period' || name.startsWith('sales_target_value_') || name.endsWith('updates_sales_targets') || name === 'ticket_sla_assign_policy';

/** CRM 1.2 as it shipped, as far as sales targets and ticket policies go: the current package without what 1.3 added there. */
function crm12(): TemplatePackage {
  const p = structuredClone(current);
  p.manifest.version = '1.2.0';
  p.automations = (p.automations ?? []).filter((a) => !added(a.name));
  // reports and dashboards came with 1.5
  p.reports = [];
  p.dashboards = [];
  const target = p.objects.find((o) => o.name === 'sales_target');
  if (target) target.fields = target.fields.filter((f) => f.name !== 'period_start' && f.name !== 'period_end');
  for (const form of p.forms.filter((f) => f.object === 'sales_target')) {
    for (const tab of form.tabs ?? []) for (const s of tab.sections ?? []) s.fields = s.fields.filter((f) => f !== 'period_start' && f !== 'period_end');
    for (const k of ['period_start', 'period_end', 'actual_value']) delete (form.rules as Record<string, unknown> | undefined)?.[k];
  }
  return p;
}

describe.each(await backends())('upgrading CRM 1.2 → 1.3 (sales targets, SLA policy) on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    const v12 = crm12();
    await t.tenant.templates.install('crm', (n) => (n === 'crm' ? v12 : registry.get(n)));
  }, 120_000);
  afterAll(() => t.close());

  it('keeps a changed label, gains the period bounds and the rules, and a target is counted after the upgrade', async () => {
    expect((await t.tenant.model()).app.automations.some((a) => added(a.name))).toBe(false);
    const app = structuredClone((await t.tenant.schema.current())!);
    const target = app.objects.find((o) => o.name === 'sales_target')!;
    target.fields.find((f) => f.name === 'target_value')!.label = { 'zh-CN': '目标额', en: 'Goal' };
    await t.tenant.schema.publish(app);

    const result = await t.tenant.templates.install('crm', (n) => registry.get(n));
    expect(result.installed).toEqual([{ name: 'crm', version: current.manifest.version, from: '1.2.0' }]);
    expect(result.conflicts).toEqual([]);

    const model = await t.tenant.model();
    const st = model.app.objects.find((o) => o.name === 'sales_target')!;
    expect(st.fields.find((f) => f.name === 'target_value')?.label).toEqual({ 'zh-CN': '目标额', en: 'Goal' });
    expect(st.fields.filter((f) => f.name === 'period_start' || f.name === 'period_end').map((f) => f.type)).toEqual(['datetime', 'datetime']);
    const names = model.app.automations.map((a) => a.name);
    expect(names.filter(added).sort()).toEqual(
      (current.automations ?? [])
        .map((a) => a.name)
        .filter(added)
        .sort(),
    );
    expect(names.indexOf('ticket_sla_assign_policy')).toBeLessThan(names.indexOf('ticket_sla_due'));
    expect(names.indexOf('sales_target_period')).toBeLessThan(names.indexOf('sales_target_value_won_amount'));

    // The rules run on the upgraded tenant: a deal won in 2041 is counted in a new company target of that year.
    const account = await t.tenant.records.create('account', { name: `升级客户${randomBytes(3).toString('hex')}有限公司`, type: 'enterprise' });
    const contact = await t.tenant.records.create('contact', { name: '钱七', account: account.id });
    const values = { year: 2041, period_type: 'year', period: 'FY', target_type: 'company', metric: 'won_count', target_value: 10 };
    const before = await t.tenant.records.create('sales_target', { name: '2041 赢单', ...values });
    expect(before).toMatchObject({ period_start: '2041-01-01T00:00:00.000Z', period_end: '2042-01-01T00:00:00.000Z', actual_value: 0 });
    const deal = await t.tenant.records.create('opportunity', { name: '升级后赢单', account: account.id, contact: contact.id, amount: 5_000, stage: 'won' });
    await t.tenant.records.update('opportunity', deal.id as string, { closed_at: '2041-06-01T00:00:00.000Z' });
    const after = await t.tenant.records.create('sales_target', { name: '2041 赢单（新）', ...values });
    expect(after.actual_value).toBe(1);
  });
});
