import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, pickOption, signIn, tableRows } from './support/ui';

// The runtime without the designer: an object published through the API, then worked in the browser.
describe.runIf(browserAvailable())('runtime (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never, headers });

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
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题', en: 'Title' } },
              {
                name: 'status',
                type: 'select',
                label: { 'zh-CN': '状态', en: 'Status' },
                options: {
                  options: [
                    { key: 'open', label: { 'zh-CN': '处理中', en: 'Open' } },
                    { key: 'done', label: { 'zh-CN': '已完成', en: 'Done' } },
                  ],
                },
              },
              { name: 'hours', type: 'integer', label: { 'zh-CN': '工时', en: 'Hours' } },
              { name: 'assignee', type: 'user', label: { 'zh-CN': '负责人', en: 'Assignee' } },
            ],
            validationRules: [
              {
                id: 'hours_positive',
                field: 'hours',
                rule: { or: [{ '==': [{ var: 'hours' }, null] }, { '>=': [{ var: 'hours' }, 0] }] },
                message: { 'zh-CN': '工时不能为负数', en: 'Hours cannot be negative' },
              },
            ],
          },
        ],
        views: [
          {
            name: 'open_tickets',
            object: 'ticket',
            type: 'table',
            label: { 'zh-CN': '处理中的工单', en: 'Open tickets' },
            columns: ['title', 'hours'],
            filter: { '==': [{ var: 'status' }, 'open'] },
          },
        ],
        menu: [
          { id: 'tickets', object: 'ticket', label: { 'zh-CN': '工单', en: 'Ticket' } },
          { id: 'open_tickets', object: 'ticket', view: 'open_tickets', label: { 'zh-CN': '处理中的工单', en: 'Open tickets' } },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('signs in and shows the navigation built from the metadata', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: /(^|\s)工单$/ }).click();
    await page.getByRole('heading', { name: '工单' }).waitFor();
    await shot(page, 'runtime-01-empty-list');
  });

  it('shows a failed validation rule on its field and keeps what was typed', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建工单' }).waitFor();
    await page.getByLabel('标题').fill('打印机卡纸');
    await pickOption(page, page, '状态', '处理中');
    await page.getByLabel('工时').fill('-3');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await fieldItem(page, 'hours').locator('.ant-form-item-explain-error', { hasText: '工时不能为负数' }).waitFor();
    expect(await page.getByLabel('标题').inputValue()).toBe('打印机卡纸');
    await shot(page, 'runtime-02-rule-error');
    await page.getByLabel('工时').fill('2');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();
    expect(await page.getByRole('heading', { name: '打印机卡纸' }).count()).toBe(1);
  });

  it('tells the user when someone else saved the record first, without losing the edit', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByLabel('标题').fill('打印机卡纸（已换硒鼓）');
    const id = page.url().split('/r/')[1] as string;
    const other = await api('PATCH', `/objects/ticket/records/${id}`, { hours: 5 }, { 'if-match': '"1"' });
    expect(other.statusCode).toBe(200);
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('stale-version').waitFor();
    expect(await page.getByLabel('标题').inputValue()).toBe('打印机卡纸（已换硒鼓）');
    await shot(page, 'runtime-03-stale-version');
    await page.getByRole('button', { name: '用我的修改覆盖' }).click();
    await page.getByRole('heading', { name: '打印机卡纸（已换硒鼓）' }).waitFor();
    const saved = (await api('GET', `/objects/ticket/records/${id}`)).json();
    expect(saved).toMatchObject({ title: '打印机卡纸（已换硒鼓）', hours: 5, version: 3 });
  });

  it('asks before leaving a form with unsaved changes', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByLabel('标题').fill('还没保存的标题');
    await page.getByRole('menuitem', { name: /(^|\s)工单$/ }).click();
    await page.getByRole('dialog', { name: '有未保存的修改，确定离开吗？修改将丢失。' }).waitFor();
    await shot(page, 'runtime-04-unsaved-guard');
    await page.getByRole('button', { name: '留在此页' }).click();
    expect(await page.getByLabel('标题').inputValue()).toBe('还没保存的标题');
    expect(page.url()).toContain('/r/');
    await page.getByRole('button', { name: /取\s*消/ }).click();
    await page.getByRole('button', { name: /编\s*辑/ }).waitFor();
  });

  it('filters the list with the filter builder', async () => {
    const { page } = browser;
    for (const r of [
      { title: '网络断开', status: 'done' },
      { title: '显示器闪烁', status: 'open' },
    ])
      expect((await api('POST', '/objects/ticket/records', r)).statusCode).toBe(201);
    await page.getByRole('menuitem', { name: /(^|\s)工单$/ }).click();
    await tableRows(page).nth(2).waitFor();
    expect(await tableRows(page).count()).toBe(3);
    await page.getByRole('button', { name: /筛\s*选/ }).click();
    await page.getByRole('button', { name: '添加条件' }).click();
    const condition = page.getByTestId('filter-condition').first();
    await pickOption(page, condition, '筛选字段', '状态');
    await pickOption(page, condition, '筛选值', '已完成');
    await page.getByRole('button', { name: /应\s*用/ }).click();
    await page.locator('.ant-table-row', { hasText: '网络断开' }).waitFor();
    await expect.poll(() => tableRows(page).count()).toBe(1);
    await shot(page, 'runtime-05-filtered');
  });

  it('opens a saved view from the menu designed in the metadata', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '处理中的工单' }).click();
    await expect
      .poll(async () => (await tableRows(page).allInnerTexts()).map((r) => r.split(/\s/)[0]).sort())
      .toEqual(['打印机卡纸（已换硒鼓）', '显示器闪烁']);
    const headers = await page.locator('.ant-table-thead th').allInnerTexts();
    expect(headers.filter((h) => h.trim())).toEqual(['标题', '工时']);
    await shot(page, 'runtime-06-saved-view');
  });

  it('picks a member by name for a user field, and shows the name, not an id', async () => {
    const { page } = browser;
    const added = await api('POST', '/members', { email: `lina@${srv.server.domain}`, name: '李娜', password: 'lina password 1', role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    const lina = added.json().user.id as string;
    await page.getByRole('menuitem', { name: /(^|\s)工单$/ }).click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建工单' }).waitFor();
    await page.getByLabel('标题').fill('会议室投影仪没有信号');
    await fieldItem(page, 'assignee').getByRole('combobox').fill('李');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '李娜' }).click();
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();
    await fieldItem(page, 'assignee').getByText('李娜').waitFor();
    await shot(page, 'runtime-07-user-picker');
    const saved = (await api('GET', `/objects/ticket/records?search=${encodeURIComponent('投影仪')}`)).json().records[0];
    expect(saved.assignee).toBe(lina);
  });

  it('switches the interface to English', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Recycle bin' }).waitFor();
    await page.getByRole('menuitem', { name: /(^|\s)Ticket$/ }).waitFor();
    await shot(page, 'runtime-08-english');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '中文' }).click();
    await page.getByRole('menuitem', { name: '回收站' }).waitFor();
  });
});
