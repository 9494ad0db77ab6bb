import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

const objects = [
  {
    name: 'device',
    fields: [
      { name: 'name', type: 'text' },
      { name: 'status', type: 'select', options: { options: [{ key: 'ok' }, { key: 'repair' }] } },
    ],
  },
];
const ui = {
  forms: [{ name: 'main', object: 'device', tabs: [{ id: 'main', sections: [{ id: 's', fields: ['status', 'name'] }] }] }],
  views: [{ name: 'board', object: 'device', type: 'kanban', groupBy: 'status' }],
  menu: [{ id: 'devices', object: 'device', view: 'board' }],
};

describe.each(await backends())('publishing forms, views and menus on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  it('is a revision with no table change, live in the model, and rolls back like the rest', async () => {
    await t.tenant.schema.publish({ objects });
    const plan = await t.tenant.schema.plan({ objects, ...ui });
    // Only metadata: each form, view and menu item is a step in words, none of them DDL.
    const uiSteps = ['新增表单「device · main」', '新增视图「device · board」', '新增菜单项「device」'];
    expect(plan.steps.map((s) => s.description['zh-CN'])).toEqual(uiSteps);
    expect(plan.steps.every((s) => s.action.kind === 'ui.change' && !s.destructive)).toBe(true);
    const rev = await t.tenant.schema.publish({ objects, ...ui });
    expect(rev.steps.map((s) => s.description['zh-CN'])).toEqual(uiSteps);
    const model = await t.tenant.model();
    expect(model.revision).toBe(rev.id);
    expect(model.app.forms[0]?.tabs[0]?.sections[0]?.fields).toEqual(['status', 'name']);
    expect(model.app.views[0]).toMatchObject({ type: 'kanban', groupBy: 'status' });
    expect(model.app.menu).toEqual([{ id: 'devices', label: { en: 'device' }, object: 'device', view: 'board' }]);
    await t.tenant.schema.rollback(rev.id - 1);
    expect((await t.tenant.model()).app.forms).toEqual([]);
    const bad = await failure(t.tenant.schema.publish({ objects, views: [{ name: 'x', object: 'device', type: 'kanban', groupBy: 'name' }] }));
    expect(bad.code).toBe('METADATA_INVALID');
  });
});
