import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, pickOption, signIn } from './support/ui';

// A business user designs a button without code in 设计器 → 按钮: for the role 重点客户经理 only,
// with a confirmation and a required 原因 field, setting the customer's level to A and writing the
// reason into its note. A member of that role uses it on a customer's page; a member without the
// role is not offered it.
describe.runIf(browserAvailable())('a business user designs a record button (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  let customerId = '';
  const manager = { email: '', password: 'manager password 1' };
  const other = { email: '', password: 'other password 1' };
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, as?: Session) =>
    srv.server.as(as ?? admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const level = {
      name: 'level',
      type: 'select',
      label: { 'zh-CN': '级别' },
      options: { options: ['A', 'B', 'C'].map((k) => ({ key: k, label: { 'zh-CN': `${k} 级` } })) },
    };
    const published = await api('POST', '/metadata/publish', {
      message: 'customers',
      metadata: {
        objects: [
          {
            name: 'customer',
            label: { 'zh-CN': '客户' },
            titleField: 'name',
            fields: [{ name: 'name', type: 'text', label: { 'zh-CN': '名称' } }, level, { name: 'note', type: 'textarea', label: { 'zh-CN': '备注' } }],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const grant = { objects: { customer: { create: true, read: 'all', update: 'all', delete: 'none' } } };
    for (const [role, zh] of [
      ['key_account', '重点客户经理'],
      ['sales', '销售'],
    ])
      expect((await api('PUT', `/access/roles/${role}`, { name: role, label: { 'zh-CN': zh }, ...grant })).statusCode).toBeLessThan(300);
    for (const [who, role, name] of [
      [manager, 'key_account', '钱经理'],
      [other, 'sales', '孙销售'],
    ] as const) {
      who.email = `${role}@${srv.server.domain}`;
      const added = await api('POST', '/members', { email: who.email, name, password: who.password, role: 'member' });
      expect(added.statusCode, added.body).toBe(201);
      expect((await api('PUT', `/access/users/${added.json().user.id}/roles`, { roles: [role] })).statusCode).toBe(200);
    }
    const customer = await api('POST', '/objects/customer/records', { name: '苏州精工机械', level: 'B' });
    expect(customer.statusCode, customer.body).toBe(201);
    customerId = customer.json().id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('designs the button in the designer and publishes it', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design`);
    await page.getByRole('menuitem', { name: '按钮' }).click();
    await page.getByText('还没有按钮').waitFor();
    await page.getByRole('button', { name: '新建按钮' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('按钮名称').fill('设为重点客户');
    await dialog.getByLabel('标识').fill('make_key');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.waitForURL(/\/design\/buttons\/make_key$/);
    const editor = page.getByTestId('button-editor');
    await pickOption(page, editor, '可使用的角色', '重点客户经理');
    await page.keyboard.press('Escape');
    await editor.getByLabel('确认提示').fill('确定将该客户设为重点客户吗？');
    await page.getByRole('button', { name: '添加填写项' }).click();
    await page.getByTestId('button-input').getByLabel('填写项名称').fill('原因');
    await page.getByTestId('button-input').getByRole('checkbox', { name: '必填' }).check();
    // Step 1: update this record — 级别 = A, 备注 = the reason typed in the form.
    await pickOption(page, editor, '添加动作', '更新记录');
    const step = page.getByTestId('automation-action');
    await step.getByRole('button', { name: '添加字段' }).click();
    await pickOption(page, step.getByTestId('value-row').first(), '字段', '级别');
    await pickOption(page, step.getByTestId('value-row').first(), '值', 'A 级');
    await step.getByRole('button', { name: '添加字段' }).click();
    await pickOption(page, step.getByTestId('value-row').nth(1), '字段', '备注');
    await pickOption(page, step.getByTestId('value-row').nth(1), '取值方式', '公式');
    await step.getByTestId('value-row').nth(1).getByLabel('公式').fill('{"var": "$input.input1"}');
    await page.getByTestId('draft-saved').waitFor();
    await shot(page, 'buttons-01-designed');
    await editor.getByRole('button', { name: '发布' }).click();
    await page.getByText('已发布').first().waitFor();
    const live = (await api('GET', '/metadata')).json().metadata.recordActions.find((a: { name: string }) => a.name === 'make_key');
    expect(live).toMatchObject({
      roles: ['key_account'],
      confirm: { 'zh-CN': '确定将该客户设为重点客户吗？' },
      input: [{ name: 'input1', type: 'text', required: true }],
    });
    expect(live.actions).toEqual([
      expect.objectContaining({
        kind: 'updateRecord',
        values: [
          { field: 'level', value: 'A' },
          { field: 'note', formula: { var: '$input.input1' } },
        ],
      }),
    ]);
  });

  it('a member of the role uses it on the record page; another member is not offered it', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    // The sign-out request has been answered once the app is on the sign-in page (a navigation before would cancel it).
    await page.waitForURL(/\/login(\?|$)/);
    await signIn(page, srv.url, manager.email, manager.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/customer/r/${customerId}`);
    await page.getByRole('heading', { name: '苏州精工机械' }).waitFor();
    await page.getByTestId('record-action-make_key').click();
    await page.getByTestId('record-action-confirm').getByText('确定将该客户设为重点客户吗？').waitFor();
    await fieldItem(page, 'input1').locator('textarea, input').first().fill('年采购额超过 500 万');
    await page.getByTestId('record-action-run').click();
    await page.getByTestId('record-action-result').waitFor();
    await shot(page, 'buttons-02-used');
    await expect
      .poll(async () => (await api('GET', `/objects/customer/records/${customerId}`)).json())
      .toMatchObject({ level: 'A', note: '年采购额超过 500 万' });
    const otherSession = await srv.server.login(other.email, other.password);
    const offered = await api('GET', `/objects/customer/records/${customerId}/actions`, undefined, otherSession);
    expect(offered.statusCode, offered.body).toBe(200);
    expect(JSON.stringify(offered.json())).not.toContain('make_key');
    const refused = await api('POST', `/objects/customer/records/${customerId}/actions/make_key`, { input: { input1: 'x' } }, otherSession);
    expect(refused.statusCode, refused.body).toBe(403);
  });
});
