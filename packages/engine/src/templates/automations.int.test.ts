import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveApp } from '@tangram/fields';
import type { AutomationInput } from '@tangram/metadata';
import { type TemplatePackage, composeApp, loadPackage, same, writePackage } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import { corePackage, ordersPackage, registry } from '../testing/template-fixtures';

/** The orders package with two automations: approving an order fills its quantity, a webhook after commit. */
function withAutomations(version: string, changes: (automations: AutomationInput[]) => void = () => {}): TemplatePackage {
  return ordersPackage(version, (p) => {
    const automations: AutomationInput[] = [
      {
        name: 'approved_needs_qty',
        label: { 'zh-CN': '审核需数量', en: 'Approval needs a quantity' },
        object: 'sales_order',
        trigger: { kind: 'field.changed', fields: ['stage'], to: 'approved', timing: 'beforeSave' },
        condition: { '!': { var: 'qty' } },
        actions: [{ id: 'default_qty', kind: 'setFields', values: [{ field: 'qty', value: 1 }] }],
      },
      {
        name: 'order_hook',
        object: 'sales_order',
        trigger: { kind: 'record.created' },
        actions: [{ id: 'post', kind: 'webhook', url: 'https://erp.example.com/orders' }],
      },
    ];
    changes(automations);
    p.automations = automations;
  });
}

describe.each(await backends())('automations in templates on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.templates.install('orders', registry(withAutomations('1.0.0'), corePackage()));
  });
  afterAll(() => t.close());

  it('installs a package’s automations, and they run', async () => {
    const model = await t.tenant.model();
    expect(model.app.automations.map((a) => a.id)).toEqual(['approved_needs_qty', 'order_hook']);
    const account = await t.tenant.records.create('account', { name: '杭州云栖' });
    const order = await t.tenant.records.create('sales_order', { account: account.id, stage: 'approved' });
    expect(order.qty).toBe(1);
  });

  it('exports them, one file each, and reads back an equivalent package', async () => {
    const exported = await t.tenant.templates.export('orders');
    const dir = mkdtempSync(join(tmpdir(), 'tangram-export-'));
    writePackage(dir, exported);
    expect(readdirSync(join(dir, 'automations')).sort()).toEqual(['approved_needs_qty.json', 'order_hook.json']);
    const reread = loadPackage(dir);
    const original = resolveApp(composeApp([corePackage(), withAutomations('1.0.0')]));
    const roundTrip = resolveApp(composeApp([corePackage(), reread]));
    expect(roundTrip.automations).toHaveLength(2);
    expect(same(roundTrip.automations, original.automations)).toBe(true);
  });

  it('upgrades keeping the tenant’s change to an automation and taking the new version’s', async () => {
    // The tenant switches the webhook off and adds a rule of its own.
    const app = structuredClone((await t.tenant.schema.current())!);
    app.automations.find((a) => a.id === 'order_hook')!.enabled = false;
    const mine = resolveApp({
      objects: app.objects,
      automations: [
        {
          name: 'void_refused',
          object: 'sales_order',
          trigger: { kind: 'record.deleted', timing: 'beforeSave' },
          actions: [{ id: 'no', kind: 'refuse', message: '不能删除' }],
        },
      ],
    }).automations[0]!;
    app.automations.push(mine);
    await t.tenant.schema.publish(app);

    // 1.1 changes the default quantity and the webhook's address.
    const v11 = withAutomations('1.1.0', (automations) => {
      automations[0]!.actions[0]!.values = [{ field: 'qty', value: 2 }];
      automations[1]!.actions[0]!.url = 'https://erp.example.com/v2/orders';
    });
    const result = await t.tenant.templates.install('orders', registry(v11, corePackage()));
    expect(result.conflicts).toEqual([]);
    const automations = (await t.tenant.model()).app.automations;
    expect(automations.map((a) => a.id)).toEqual(['approved_needs_qty', 'order_hook', 'void_refused']);
    const hook = automations.find((a) => a.id === 'order_hook')!;
    expect(hook.enabled).toBe(false);
    expect(hook.actions[0]?.url).toBe('https://erp.example.com/v2/orders');
    expect(automations[0]?.actions[0]?.values).toEqual([{ field: 'qty', value: 2 }]);
    const account = await t.tenant.records.create('account', { name: '宁波港' });
    expect((await t.tenant.records.create('sales_order', { account: account.id, stage: 'approved' })).qty).toBe(2);
  });
});
