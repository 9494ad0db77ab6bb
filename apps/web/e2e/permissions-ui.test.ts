import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, signIn, tableRows } from './support/ui';

// The UI shows a member only what their roles allow (from GET /access/me); the server enforces it anyway.
describe.runIf(browserAvailable())('what a member sees follows their roles (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, as = admin) =>
    srv.server.as(as, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const members = {
    viewer: { email: '', name: '赵看看', password: 'viewer password 1', role: 'ticket_viewer' },
    editor: { email: '', name: '钱改改', password: 'editor password 1', role: 'ticket_editor' },
  };
  const headers = async (page: Page) => (await page.locator('.ant-table-thead th').allInnerTexts()).map((h) => h.trim()).filter(Boolean);
  let ticketId = '';

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'tickets',
      metadata: {
        objects: [
          {
            name: 'ticket',
            label: { 'zh-CN': '工单', en: 'Ticket' },
            fields: [
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题' } },
              {
                name: 'status',
                type: 'select',
                label: { 'zh-CN': '状态' },
                options: {
                  options: [
                    { key: 'open', label: { 'zh-CN': '处理中' } },
                    { key: 'done', label: { 'zh-CN': '已完成' } },
                  ],
                },
              },
              { name: 'hours', type: 'integer', label: { 'zh-CN': '工时' } },
              { name: 'cost', type: 'currency', label: { 'zh-CN': '成本' } },
            ],
          },
          { name: 'salary', label: { 'zh-CN': '薪资', en: 'Salary' }, fields: [{ name: 'name', type: 'text', label: { 'zh-CN': '姓名' } }] },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    ticketId = (await api('POST', '/objects/ticket/records', { title: '打印机卡纸', status: 'open', hours: 2, cost: 180 })).json().id;
    const roles = {
      ticket_viewer: { ticket: { create: false, read: 'all', update: 'none', delete: 'none', fields: { cost: 'hidden' } } },
      ticket_editor: { ticket: { create: true, read: 'all', update: 'all', delete: 'none', fields: { hours: 'read', cost: 'hidden' } } },
    };
    for (const [name, objects] of Object.entries(roles)) {
      const r = await api('PUT', `/access/roles/${name}`, { name, label: name, objects });
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    for (const m of Object.values(members)) {
      m.email = `${m.password.split(' ')[0]}@${srv.server.domain}`;
      const added = await api('POST', '/members', { email: m.email, name: m.name, password: m.password, role: 'member' });
      expect(added.statusCode, added.body).toBe(201);
      const assigned = await api('PUT', `/access/users/${added.json().user.id}/roles`, { roles: [m.role] });
      expect(assigned.statusCode, assigned.body).toBe(200);
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('a read-only member: no 新建, no selection, no hidden column, no 编辑, no object they may not read', async () => {
    const { page } = browser;
    await signIn(page, srv.url, members.viewer.email, members.viewer.password);
    await page
      .getByRole('menuitem')
      .filter({ hasText: /^工单$/ })
      .click();
    await tableRows(page).first().waitFor();
    expect(await headers(page)).toEqual(['标题', '状态', '工时']);
    expect(await page.getByRole('button', { name: /新\s*建/ }).count()).toBe(0);
    expect(await page.locator('.ant-table-selection-column').count()).toBe(0);
    expect(
      await page
        .getByRole('menuitem')
        .filter({ hasText: /^薪资$/ })
        .count(),
    ).toBe(0);
    expect(await page.getByRole('menuitem', { name: '设计器' }).count()).toBe(0);
    await shot(page, 'perm-01-viewer-list');

    await page.getByRole('link', { name: '打印机卡纸' }).click();
    await page.getByTestId('history').waitFor();
    expect(await page.getByRole('button', { name: /编\s*辑/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '删除' }).count()).toBe(0);
    expect(await fieldItem(page, 'cost').count()).toBe(0);
    await fieldItem(page, 'hours').getByText('2').waitFor();
  });

  it('an editor: creates and edits, but a read-only field shows without an input and a hidden one not at all', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    // The sign-out request has been answered once the app is on the sign-in page (a navigation before would cancel it).
    await page.waitForURL(/\/login(\?|$)/);
    await signIn(page, srv.url, members.editor.email, members.editor.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/ticket/r/${ticketId}`);
    // History names who did it (the admin created the record), not an id.
    await page.getByTestId('history').getByText('Admin').waitFor();
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByLabel('标题').fill('打印机卡纸（已换硒鼓）');
    expect(await fieldItem(page, 'hours').locator('input').count()).toBe(0);
    expect(await fieldItem(page, 'cost').count()).toBe(0);
    await shot(page, 'perm-02-editor-form');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').first().waitFor();
    const saved = (await api('GET', `/objects/ticket/records/${ticketId}`)).json();
    expect(saved).toMatchObject({ title: '打印机卡纸（已换硒鼓）', hours: 2, cost: 180, version: 2 });

    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/ticket`);
    await tableRows(page).first().waitFor();
    await page.getByRole('button', { name: /新\s*建/ }).waitFor();
    await page.getByLabel('选择「打印机卡纸（已换硒鼓）」').check();
    await page.getByRole('button', { name: '批量修改' }).waitFor();
    expect(await page.getByRole('button', { name: '批量删除' }).count()).toBe(0);
  });
});
