import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { pickOption, signIn, tableRows } from './support/ui';

interface DraftView {
  name: string;
  columns?: string[];
  filter?: unknown;
  sort?: { field: string; direction?: string }[];
}

/** The ids of the menu entries, groups as `id[children]`. */
const shape = (items: { id: string; children?: unknown[] }[]): string =>
  items.map((m) => (m.children ? `${m.id}[${shape(m.children as { id: string }[])}]` : m.id)).join(' ');

// Issue 5, scope 8: the view designer and the menu designer, published and used in the runtime.
describe.runIf(browserAvailable())('designing views and the menu (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const draft = async () => (await api('GET', '/metadata/draft')).json().metadata as { views?: DraftView[]; menu?: { id: string }[] };
  const columnOrder = (page: Page) => page.getByTestId('view-column').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  const saved = (page: Page) => page.getByTestId('draft-saved').waitFor();

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
              { name: 'due', type: 'date', label: { 'zh-CN': '截止日期', en: 'Due' } },
            ],
          },
        ],
        menu: [{ id: 'tickets', object: 'ticket' }],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const tickets = [
      ['打印机卡纸', 'open', 2],
      ['邮箱无法登录', 'open', 5],
      ['更换显示器', 'done', 1],
      ['VPN 断线', 'open', 3],
      ['申请新电脑', 'done', 8],
    ] as const;
    for (const [title, status, hours] of tickets) {
      const r = await api('POST', '/objects/ticket/records', { title, status, hours, due: '2026-12-01' });
      expect(r.statusCode, r.body).toBe(201);
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('creates a view: columns dragged and moved, a filter built visually, a sort', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page.getByRole('menuitem', { name: '视图' }).click();
    await page.getByText('还没有视图').waitFor();
    await page.getByRole('button', { name: '新建视图' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('视图名称').fill('我的待办工单');
    await dialog.getByLabel('视图 API 名称').fill('my_open');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();

    await page.getByTestId('view-columns').waitFor();
    expect(await columnOrder(page)).toEqual(['title', 'status', 'hours', 'due']);
    await page.getByRole('button', { name: '删除 状态' }).click();
    await page.locator('[data-testid="view-column"][data-name="due"]').dragTo(page.locator('[data-testid="view-column"][data-name="title"]'));
    await expect.poll(() => columnOrder(page)).toEqual(['due', 'title', 'hours']);
    await page.getByRole('button', { name: '上移 工时' }).click();
    await expect.poll(() => columnOrder(page)).toEqual(['due', 'hours', 'title']);

    const filter = page.getByTestId('view-filter');
    await filter.getByRole('button', { name: '添加条件' }).click();
    await pickOption(page, filter, '筛选字段', '状态');
    await filter.locator('#filter-value-0').click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '处理中' }).click();

    const sort = page.getByTestId('view-sort');
    await sort.getByRole('button', { name: '添加排序' }).click();
    await pickOption(page, sort, '排序字段 1', '工时');
    await pickOption(page, sort, '排序 1', '降序');
    await saved(page);
    await shot(page, 'views-01-designed');

    const view = (await draft()).views?.find((v) => v.name === 'my_open');
    expect(view).toMatchObject({
      columns: ['due', 'hours', 'title'],
      filter: { '==': [{ var: 'status' }, 'open'] },
      sort: [{ field: 'hours', direction: 'desc' }],
    });
  });

  it('arranges the menu: a group, an entry opening the view, entries dragged into it, with undo', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '菜单' }).click();
    await page.getByTestId('menu-tree').waitFor();
    await page.getByRole('button', { name: '添加分组' }).click();
    const panel = page.getByTestId('menu-panel');
    await panel.getByLabel('入口名称').fill('工单中心');
    await panel.getByLabel('入口名称').press('Enter');
    // With the group selected, a new entry goes into it.
    await page.getByRole('button', { name: '添加对象入口' }).click();
    await pickOption(page, panel, '使用视图', '我的待办工单');
    await panel.getByLabel('入口名称').fill('我的待办');
    await panel.getByLabel('入口名称').press('Enter');
    await page.locator('[data-testid="menu-entry"][data-id="tickets"]').dragTo(page.getByTestId('menu-drop-group'));
    await expect.poll(async () => shape((await draft()).menu ?? [])).toBe('group[ticket tickets]');
    await page.getByRole('button', { name: '上移 工单', exact: true }).click();
    await saved(page);
    expect(shape((await draft()).menu ?? [])).toBe('group[tickets ticket]');

    await page.getByRole('button', { name: /撤\s*销/ }).click();
    await saved(page);
    expect(shape((await draft()).menu ?? [])).toBe('group[ticket tickets]');
    await page.getByRole('button', { name: /重\s*做/ }).click();
    await saved(page);
    expect((await draft()).menu).toMatchObject([
      {
        id: 'group',
        label: { 'zh-CN': '工单中心' },
        children: [
          { id: 'tickets', object: 'ticket' },
          { id: 'ticket', object: 'ticket', view: 'my_open', label: { 'zh-CN': '我的待办' } },
        ],
      },
    ]);
    await shot(page, 'views-02-menu');
  });

  it('publishes the view and the menu, listed in the plan, and the runtime uses them', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '发布' }).click();
    await page.getByTestId('plan-step').first().waitFor();
    const steps = await page.getByTestId('plan-step').allInnerTexts();
    for (const step of ['新增视图「工单 · 我的待办工单」', '新增菜单项「工单中心」', '新增菜单项「我的待办」', '修改菜单项「工单」'])
      expect(steps.some((s) => s.includes(step))).toBe(true);
    await shot(page, 'views-03-plan');
    await page.getByRole('button', { name: '立即发布' }).click();
    await page
      .getByText(/已发布版本/)
      .first()
      .waitFor();

    await page
      .getByRole('menuitem')
      .filter({ hasText: /^我的待办$/ })
      .click();
    await expect.poll(() => tableRows(page).count()).toBe(3);
    const headers = (await page.locator('.ant-table-thead th').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
    expect(headers).toEqual(['截止日期', '工时', '标题']);
    const titles = await tableRows(page).evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    expect(titles.map((t) => t.match(/打印机卡纸|邮箱无法登录|VPN 断线/)?.[0])).toEqual(['邮箱无法登录', 'VPN 断线', '打印机卡纸']);
    await shot(page, 'views-04-runtime');
  });

  it('deletes a view together with the menu entries opening it, and undo brings both back', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page.getByRole('menuitem', { name: '视图' }).click();
    await page.getByRole('button', { name: '删除 我的待办工单' }).click();
    await page.getByText('菜单中打开它的 1 个入口也会移除').waitFor();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /删\s*除/ })
      .click();
    await page.getByText('还没有视图').waitFor();
    await saved(page);
    let d = await draft();
    expect(d.views ?? []).toEqual([]);
    expect(shape(d.menu ?? [])).toBe('group[tickets]');
    await page.getByRole('button', { name: /撤\s*销/ }).click();
    await saved(page);
    d = await draft();
    expect(d.views?.map((v) => v.name)).toEqual(['my_open']);
    expect(shape(d.menu ?? [])).toBe('group[tickets ticket]');
  });
});
