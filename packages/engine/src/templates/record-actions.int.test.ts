import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveApp } from '@tangram/fields';
import type { RecordActionInput } from '@tangram/metadata';
import { type TemplatePackage, composeApp, loadPackage, same, writePackage } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import { corePackage, ordersPackage, registry } from '../testing/template-fixtures';

/** The orders package with two buttons: approve an order (with a quantity asked), and copy it. */
function withActions(version: string, changes: (actions: RecordActionInput[]) => void = () => {}): TemplatePackage {
  return ordersPackage(version, (p) => {
    const actions: RecordActionInput[] = [
      {
        name: 'approve',
        label: { 'zh-CN': '审核', en: 'Approve' },
        object: 'sales_order',
        condition: { '!=': [{ var: 'stage' }, 'approved'] },
        input: [{ name: 'qty', type: 'integer', required: true }],
        actions: [
          {
            id: 'set',
            kind: 'updateRecord',
            target: { kind: 'self' },
            values: [
              { field: 'stage', value: 'approved' },
              { field: 'qty', formula: { var: '$input.qty' } },
            ],
          },
        ],
      },
      {
        name: 'copy',
        object: 'sales_order',
        confirm: '复制这张订单？',
        actions: [{ id: 'new', kind: 'createRecord', object: 'sales_order', as: 'copy', values: [{ field: 'account', formula: { var: 'account' } }] }],
      },
    ];
    changes(actions);
    p.recordActions = actions;
  });
}

describe.each(await backends())('record actions in templates on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.templates.install('orders', registry(withActions('1.0.0'), corePackage()));
  });
  afterAll(() => t.close());

  it('installs a package’s record actions, and they run', async () => {
    expect((await t.tenant.model()).app.recordActions.map((a) => a.id)).toEqual(['approve', 'copy']);
    const account = await t.tenant.records.create('account', { name: '杭州云栖' });
    const order = await t.tenant.records.create('sales_order', { account: account.id });
    const done = await t.tenant.actions.run('sales_order', order.id as string, 'approve', { input: { qty: 3 } });
    expect(done.updated).toEqual([{ step: 'set', object: 'sales_order', id: order.id }]);
    expect(await t.tenant.records.get('sales_order', order.id as string)).toMatchObject({ stage: 'approved', qty: 3 });
  });

  it('exports them, one file each, and reads back an equivalent package', async () => {
    const exported = await t.tenant.templates.export('orders');
    const dir = mkdtempSync(join(tmpdir(), 'tangram-export-'));
    writePackage(dir, exported);
    expect(readdirSync(join(dir, 'record-actions')).sort()).toEqual(['approve.json', 'copy.json']);
    const original = resolveApp(composeApp([corePackage(), withActions('1.0.0')]));
    const roundTrip = resolveApp(composeApp([corePackage(), loadPackage(dir)]));
    expect(roundTrip.recordActions).toHaveLength(2);
    expect(same(roundTrip.recordActions, original.recordActions)).toBe(true);
  });

  it('upgrades keeping the tenant’s change to an action and taking the new version’s', async () => {
    const app = structuredClone((await t.tenant.schema.current())!);
    app.recordActions.find((a) => a.id === 'copy')!.roles = ['order_clerk'];
    await t.tenant.schema.publish(app);
    const v11 = withActions('1.1.0', (actions) => {
      actions[0]!.label = { 'zh-CN': '审核通过', en: 'Approve' };
    });
    const result = await t.tenant.templates.install('orders', registry(v11, corePackage()));
    expect(result.conflicts).toEqual([]);
    const actions = (await t.tenant.model()).app.recordActions;
    expect(actions.map((a) => [a.id, a.label['zh-CN'] ?? a.label.en, a.roles])).toEqual([
      ['approve', '审核通过', undefined],
      ['copy', 'copy', ['order_clerk']],
    ]);
  });
});
