import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveApp } from '@tangram/fields';
import { composeApp, loadPackage, same, writePackage } from '@tangram/templates';
import { corePackage, ordersPackage, registry, stage } from '../testing/template-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

describe.each(await backends())('templates on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  it('refuses a package whose dependency is missing or the wrong version, changing nothing', async () => {
    const e = await failure(t.tenant.templates.install('orders', registry(ordersPackage(), corePackage('2.0.0'))));
    expect(e.code).toBe('TEMPLATE_DEPENDENCY_MISSING');
    expect(e.details).toMatchObject({ package: 'core', range: '^1.0.0', available: '2.0.0' });
    expect(await t.tenant.templates.installed()).toEqual([]);
  });

  it('installs a package that depends on core: dependencies first, one revision, roles, sample data with references', async () => {
    const result = await t.tenant.templates.install('orders', registry(ordersPackage(), corePackage()), { sampleData: true });
    expect(result.installed).toEqual([
      { name: 'core', version: '1.0.0', from: null },
      { name: 'orders', version: '1.0.0', from: null },
    ]);
    expect(result.records).toBe(4);
    const model = await t.tenant.model();
    expect(model.revision).toBe(result.revision);
    expect([...model.byName.keys()].sort()).toEqual(['account', 'product', 'sales_order']);
    expect(model.app.views.map((v) => v.id)).toEqual(['accounts', 'order_board']);
    expect(model.app.menu.map((m) => m.id)).toEqual(['core_group', 'orders_group']);
    expect((await t.tenant.access.roles()).map((r) => r.name)).toEqual(['core_reader', 'order_clerk']);
    const order = (await t.tenant.records.query('sales_order', { expand: ['account'] })).records[0];
    expect(order?.$expanded).toMatchObject({ account: { name: '杭州云栖' } });
    // The rollup the dependent package added to core's account counts the order.
    expect((await t.tenant.records.query('account', { filter: { '==': [{ var: 'name' }, '杭州云栖'] } })).records[0]?.order_count).toBe(1);
  });

  it('loads sample data later for packages installed without it', async () => {
    const other = await setupTenant(backend);
    try {
      const first = await other.tenant.templates.install('orders', registry(ordersPackage(), corePackage()));
      expect(first.records).toBe(0);
      expect((await other.tenant.records.query('account', { count: true })).total).toBe(0);
      const later = await other.tenant.templates.install('orders', registry(ordersPackage(), corePackage()), { sampleData: true });
      expect(later).toMatchObject({ installed: [], records: 4 });
      const again = await other.tenant.templates.install('orders', registry(ordersPackage(), corePackage()), { sampleData: true });
      expect(again.records).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('changes nothing when the same versions are installed again', async () => {
    const before = (await t.tenant.model()).revision;
    const again = await t.tenant.templates.install('orders', registry(ordersPackage(), corePackage()), { sampleData: true });
    expect(again).toMatchObject({ installed: [], unchanged: ['core', 'orders'], revision: null, records: 0 });
    expect((await t.tenant.model()).revision).toBe(before);
  });

  it('exports an installed package equivalent to the one installed, and reads back what it writes', async () => {
    const exported = await t.tenant.templates.export('orders');
    const dir = mkdtempSync(join(tmpdir(), 'tangram-export-'));
    writePackage(dir, exported);
    const reread = loadPackage(dir);
    const original = resolveApp(composeApp([corePackage(), ordersPackage()]));
    const roundTrip = resolveApp(composeApp([corePackage(), reread]));
    expect(same(roundTrip.objects, original.objects)).toBe(true);
    expect(same(roundTrip.forms, original.forms)).toBe(true);
    expect(same(roundTrip.views, original.views)).toBe(true);
    expect(same(roundTrip.menu, original.menu)).toBe(true);
    expect(reread.roles.map((r) => r.name)).toEqual(['order_clerk']);
    expect((await failure(t.tenant.templates.export('nope'))).code).toBe('TEMPLATE_NOT_INSTALLED');
  });

  it('upgrades a customised 1.0 to 1.1 keeping every customisation and adding what 1.1 brings', async () => {
    // The tenant customises: a field of its own, a new stage, a relabelled field, a different view.
    const app = structuredClone((await t.tenant.schema.current())!);
    const order = app.objects.find((o) => o.name === 'sales_order')!;
    order.fields.push({
      id: 'region',
      name: 'region',
      type: 'text',
      label: { 'zh-CN': '区域' },
      required: false,
      unique: false,
      indexed: false,
      options: {},
      archived: false,
    });
    const stageField = order.fields.find((f) => f.name === 'stage')!;
    (stageField.options.options as unknown[]).splice(2, 0, stage('shipped', '已发货'));
    order.fields.find((f) => f.name === 'qty')!.label = { 'zh-CN': '订购数量', en: 'Ordered qty' };
    app.views.find((v) => v.id === 'order_board')!.columns = ['account', 'qty', 'region'];
    await t.tenant.schema.publish(app);

    // 1.1 adds a field, a stage of its own, and relabels another field.
    const v11 = ordersPackage('1.1.0', (p) => {
      const o = p.objects[0]!;
      o.fields.push({ name: 'due', type: 'date', label: { 'zh-CN': '交期', en: 'Due' } });
      (o.fields[3]!.options!.options as unknown[]).push(stage('closed', '已关闭'));
      o.fields[1]!.label = { 'zh-CN': '产品名称', en: 'Product' };
    });
    const result = await t.tenant.templates.install('orders', registry(v11, corePackage()));
    expect(result.installed).toEqual([{ name: 'orders', version: '1.1.0', from: '1.0.0' }]);
    expect(result.conflicts).toEqual([]);
    const upgraded = (await t.tenant.model()).byName.get('sales_order')!;
    const field = (n: string) => upgraded.byName.get(n)?.field;
    expect(field('region')?.label['zh-CN']).toBe('区域');
    expect(field('due')?.type).toBe('date');
    expect(field('qty')?.label['zh-CN']).toBe('订购数量');
    expect(field('product')?.label['zh-CN']).toBe('产品名称');
    expect((field('stage')!.options.options as { key: string }[]).map((o) => o.key)).toEqual(['draft', 'approved', 'shipped', 'void', 'closed']);
    expect((await t.tenant.model()).app.views.find((v) => v.id === 'order_board')?.columns).toEqual(['account', 'qty', 'region']);
    expect((await t.tenant.records.query('sales_order')).records[0]?.qty).toBe(3);
    expect((await t.tenant.templates.installed()).map((p) => `${p.name}@${p.version}`)).toEqual(['core@1.0.0', 'orders@1.1.0']);
  });

  it('reports a real conflict instead of overwriting it, and keeps the tenant’s value when told to', async () => {
    const app = structuredClone((await t.tenant.schema.current())!);
    app.objects.find((o) => o.name === 'sales_order')!.fields.find((f) => f.name === 'due')!.label = { 'zh-CN': '要求交期', en: 'Due' };
    await t.tenant.schema.publish(app);
    const v12 = ordersPackage('1.2.0', (p) => {
      p.objects[0]!.fields.push({ name: 'due', type: 'date', label: { 'zh-CN': '交货日期', en: 'Delivery' } });
    });
    const before = (await t.tenant.model()).revision;
    const e = await failure(t.tenant.templates.install('orders', registry(v12, corePackage())));
    expect(e.code).toBe('TEMPLATE_CONFLICT');
    const conflicts = e.details.conflicts as { path: string; yours: unknown; template: unknown }[];
    // Labels merge per language: only the Chinese label was changed on both sides.
    expect(conflicts).toEqual([{ path: '/objects[sales_order]/fields[due]/label/zh-CN', base: '交期', yours: '要求交期', template: '交货日期' }]);
    expect((await t.tenant.model()).revision).toBe(before);
    await t.tenant.templates.install('orders', registry(v12, corePackage()), { onConflict: 'keep-mine' });
    expect((await t.tenant.model()).byName.get('sales_order')?.byName.get('due')?.field.label).toEqual({ 'zh-CN': '要求交期', en: 'Delivery' });
  });
});
