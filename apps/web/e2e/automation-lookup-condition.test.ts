import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { pickOption, signIn } from './support/ui';

// Lookup paths in the designer's condition builder, in a real browser: the fields of the company
// a deal points at are offered as 客户 › 级别; the condition reads `company.level`, the dry run
// evaluates it through the lookup, and publishing (启用) accepts it.

describe.runIf(browserAvailable())('an automation’s condition reads a field through a lookup (browser)', () => {
  let srv: RunningServer;
  let designer: Browser;
  reportFailures(() => designer?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const select = (...keys: [string, string][]) => ({ options: keys.map(([key, zh]) => ({ key, label: { 'zh-CN': zh } })) });
    const published = await api('POST', '/metadata/publish', {
      message: 'companies and deals',
      metadata: {
        objects: [
          {
            name: 'company',
            label: { 'zh-CN': '公司' },
            fields: [
              { name: 'name', type: 'text', required: true, label: { 'zh-CN': '名称' } },
              { name: 'level', type: 'select', label: { 'zh-CN': '级别' }, options: select(['A', 'A 级'], ['B', 'B 级']) },
            ],
          },
          {
            name: 'deal',
            label: { 'zh-CN': '商机' },
            fields: [
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题' } },
              { name: 'company', type: 'lookup', label: { 'zh-CN': '客户' }, options: { target: 'company' } },
              { name: 'priority', type: 'select', label: { 'zh-CN': '优先级' }, options: select(['normal', '普通'], ['key', '重点']) },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const company = (await api('POST', '/objects/company/records', { name: '华东重点客户', level: 'A' })).json();
    const deal = await api('POST', '/objects/deal/records', { title: '重点客户的商机', company: company.id, priority: 'normal' });
    expect(deal.statusCode, deal.body).toBe(201);
    designer = await launchBrowser();
  });

  afterAll(async () => {
    await designer?.close();
    await srv?.close();
  });

  it('builds 客户 › 级别 = A 级, dry-runs it on a deal of an A company, and enables it', async () => {
    const { page } = designer;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design/automations`);
    await page.getByRole('button', { name: '新建自动化' }).click();
    const modal = page.getByRole('dialog', { name: '新建自动化' });
    await modal.getByLabel('名称').fill('重点客户商机');
    await pickOption(page, modal, '对象', '商机');
    await pickOption(page, modal, '触发方式', '新建记录时');
    await modal.getByRole('button', { name: /确\s*定/ }).click();
    const editor = page.getByTestId('automation-editor');
    await editor.waitFor();
    await editor.getByRole('button', { name: '添加条件' }).click();
    const condition = editor.getByTestId('filter-condition').first();
    await pickOption(page, condition, '筛选字段', '客户 › 级别');
    await pickOption(page, condition, '运算符', '等于');
    await pickOption(page, condition, '筛选值', 'A 级');
    // Picked again if the pick landed on a dropdown still closing (under load the action was not added).
    await expect
      .poll(
        async () => {
          if ((await editor.getByTestId('automation-action').count()) === 0) await pickOption(page, editor, '添加动作', '更新记录');
          return editor.getByTestId('automation-action').count();
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    const update = editor.getByTestId('automation-action').nth(0);
    await update.getByRole('button', { name: '添加字段' }).click();
    // The condition's field list (closed, still in the page) also holds 优先级: pick from the open dropdown.
    await update.getByLabel('字段', { exact: true }).first().click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="优先级"]').click();
    await pickOption(page, update, '值', '重点');
    await page.getByTestId('draft-saved').waitFor();

    await pickOption(page, editor, '试运行的记录', '重点客户的商机');
    await editor.getByRole('button', { name: '试运行' }).click();
    const result = editor.getByTestId('dry-run-result');
    await result.getByText('会运行').waitFor();
    await shot(page, 'automations-lookup-01-dry-run');

    await editor.getByRole('switch', { name: '启用' }).click();
    await editor.getByText('已启用').waitFor();
    const live = (await api('GET', '/metadata')).json().metadata.automations;
    expect(live).toEqual([expect.objectContaining({ enabled: true, condition: { '==': [{ var: 'company.level' }, 'A'] } })]);
  });
});
