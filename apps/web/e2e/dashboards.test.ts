import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { pickOption, signIn } from './support/ui';

// Reports and dashboards (issue 16): the home dashboard draws "sales by region by quarter" as
// stacked bars with its numbers under it, a click on a cell or a funnel step lists exactly the
// records behind it, and a rep who reads only his own deals sees only his numbers.

const option = (key: string, zh: string) => ({ key, label: { 'zh-CN': zh, en: key } });
const regions = { east: '华东', west: '华西' } as const;
const stages = { lead: '线索', proposal: '方案', won: '成交' } as const;

interface Deal {
  name: string;
  stage: keyof typeof stages;
  amount: number;
  account: 'acme' | 'bolt' | 'cole';
  closed_on: string;
  owner: 'li' | 'han';
}
const accounts = { acme: 'east', bolt: 'west', cole: 'east' } as const;
const deals: Deal[] = [
  { name: '华东一季度 A', stage: 'lead', amount: 100.5, account: 'acme', closed_on: '2026-01-15', owner: 'li' },
  { name: '华东一季度 B', stage: 'proposal', amount: 200, account: 'cole', closed_on: '2026-02-20', owner: 'han' },
  { name: '华东一季度 C', stage: 'won', amount: 60, account: 'acme', closed_on: '2026-01-01', owner: 'han' },
  { name: '华东二季度 A', stage: 'won', amount: 300, account: 'cole', closed_on: '2026-04-03', owner: 'li' },
  { name: '华西一季度 A', stage: 'won', amount: 50, account: 'bolt', closed_on: '2026-03-31', owner: 'li' },
  { name: '华西二季度 A', stage: 'lead', amount: 75.25, account: 'bolt', closed_on: '2026-05-05', owner: 'han' },
  { name: '华西二季度 B', stage: 'proposal', amount: 125, account: 'bolt', closed_on: '2026-06-30', owner: 'han' },
];

const regionOf = (d: Deal) => regions[accounts[d.account]];
const quarterOf = (d: Deal) => `${d.closed_on.slice(0, 4)} Q${Math.floor((Number(d.closed_on.slice(5, 7)) - 1) / 3) + 1}`;
const inFirstQuarter = (d: Deal) => d.closed_on >= '2026-01-01' && d.closed_on <= '2026-03-31';
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** What the pivot under the chart must show for these deals: `region|quarter|measure` → text. */
function expectedCells(of: Deal[], countName = 'deals'): Record<string, string> {
  const sums = new Map<string, { amount: number; deals: number }>();
  for (const d of of) {
    const key = `${regionOf(d)}|${quarterOf(d)}`;
    const s = sums.get(key) ?? { amount: 0, deals: 0 };
    sums.set(key, { amount: s.amount + d.amount, deals: s.deals + 1 });
  }
  return Object.fromEntries(
    [...sums].flatMap(([key, s]) => [
      [`${key}|amount`, number.format(s.amount)],
      [`${key}|${countName}`, number.format(s.deals)],
    ]),
  );
}

/** The non-empty numbers of a widget's data table, by `data-cell`. */
async function shownCells(page: Page, widget = 'sales_by_region_quarter'): Promise<Record<string, string>> {
  const cells = page.locator(`[data-widget="${widget}"] [data-cell]`);
  const all = await cells.evaluateAll((els) => els.map((e) => [e.getAttribute('data-cell') ?? '', (e.textContent ?? '').trim()]));
  return Object.fromEntries(all.filter(([, text]) => text !== ''));
}

/** The titles listed in the drill-down drawer, once its total is shown. */
async function drilled(page: Page): Promise<string[]> {
  return (await page.getByTestId('drill-records').locator('.ant-table-row td:first-child').allInnerTexts()).map((t) => t.trim()).sort();
}

describe.runIf(browserAvailable())('dashboards (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const users = { li: '', han: '' };
  const password = 'rep password 1';
  const email = (who: string) => `${who}@${srv.server.domain}`;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'deals with a sales dashboard',
      metadata: {
        objects: [
          {
            name: 'account',
            label: { 'zh-CN': '客户' },
            fields: [
              { name: 'name', type: 'text', required: true, label: { 'zh-CN': '客户名称' } },
              { name: 'region', type: 'select', label: { 'zh-CN': '区域' }, options: { options: Object.entries(regions).map(([k, v]) => option(k, v)) } },
            ],
          },
          {
            name: 'deal',
            label: { 'zh-CN': '商机' },
            fields: [
              { name: 'name', type: 'text', required: true, label: { 'zh-CN': '商机名称' } },
              { name: 'stage', type: 'select', label: { 'zh-CN': '阶段' }, options: { options: Object.entries(stages).map(([k, v]) => option(k, v)) } },
              { name: 'amount', type: 'currency', label: { 'zh-CN': '金额' } },
              { name: 'account', type: 'lookup', label: { 'zh-CN': '客户' }, options: { target: 'account' } },
              { name: 'closed_on', type: 'date', label: { 'zh-CN': '成交日期' } },
            ],
          },
        ],
        reports: [
          {
            name: 'sales_by_region_quarter',
            label: { 'zh-CN': '各区域季度销售' },
            object: 'deal',
            rows: [{ field: 'account.region' }],
            columns: [{ field: 'closed_on', bucket: 'quarter' }],
            values: [
              { name: 'amount', fn: 'sum', field: 'amount', label: { 'zh-CN': '金额' } },
              { name: 'deals', fn: 'count', label: { 'zh-CN': '数量' } },
            ],
            chart: { type: 'bar', stacked: true },
            dateField: 'closed_on',
          },
          {
            name: 'deals_by_stage',
            label: { 'zh-CN': '销售漏斗' },
            object: 'deal',
            rows: [{ field: 'stage' }],
            values: [{ name: 'deals', fn: 'count', label: { 'zh-CN': '数量' } }],
            chart: { type: 'funnel' },
            dateField: 'closed_on',
          },
        ],
        dashboards: [
          {
            name: 'sales',
            label: { 'zh-CN': '销售看板' },
            home: true,
            filters: ['period', 'owner'],
            widgets: [
              { id: 'sales', report: 'sales_by_region_quarter', x: 0, y: 0, w: 8, h: 5 },
              { id: 'funnel', report: 'deals_by_stage', x: 8, y: 0, w: 4, h: 5 },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const role = await api('PUT', '/access/roles/rep', {
      name: 'rep',
      label: '销售代表',
      objects: { deal: { create: true, read: 'own', update: 'own', delete: 'own' }, account: { read: 'all' } },
    });
    expect(role.statusCode, role.body).toBeLessThan(300);
    for (const [who, name] of [
      ['li', '李雷'],
      ['han', '韩梅'],
    ] as const) {
      const added = await api('POST', '/members', { email: email(who), name, password, role: 'member' });
      expect(added.statusCode, added.body).toBe(201);
      users[who] = added.json().user.id;
      expect((await api('PUT', `/access/users/${users[who]}/roles`, { roles: ['rep'] })).statusCode).toBe(200);
    }
    const accountIds: Record<string, string> = {};
    for (const [name, region] of Object.entries(accounts)) {
      const created = await api('POST', '/objects/account/records', { name, region });
      expect(created.statusCode, created.body).toBe(201);
      accountIds[name] = created.json().id;
    }
    for (const { owner, ...d } of deals) {
      const created = await api('POST', '/objects/deal/records', { ...d, account: accountIds[d.account], owner_id: users[owner] });
      expect(created.statusCode, created.body).toBe(201);
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  const salesWidget = (page: Page) => page.locator('[data-widget="sales_by_region_quarter"]');
  const funnelWidget = (page: Page) => page.locator('[data-widget="deals_by_stage"]');

  it('opens the home dashboard with the chart drawn and its numbers under it', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('heading', { name: '销售看板' }).waitFor();
    await salesWidget(page).locator('[data-testid="chart"][data-ready="true"] svg path:not([fill="none"])').first().waitFor();
    await funnelWidget(page).locator('[data-testid="chart"][data-ready="true"] svg path:not([fill="none"])').first().waitFor();
    await salesWidget(page).getByText('查看数据').click();
    await expect.poll(() => shownCells(page)).toEqual(expectedCells(deals));
    await shot(page, 'dashboards-01-home');
  });

  it('lists exactly the records behind a clicked cell', async () => {
    const { page } = browser;
    const cell = `${regions.east}|2026 Q1|amount`;
    const behind = deals.filter((d) => `${regionOf(d)}|${quarterOf(d)}|amount` === cell).map((d) => d.name);
    await salesWidget(page).locator(`[data-cell="${cell}"]`).click();
    await page.getByTestId('drill-total').getByText(`共 ${behind.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...behind].sort());
    await shot(page, 'dashboards-02-drill-cell');
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('drill-records').waitFor({ state: 'detached' });
  });

  it('lists the records of a funnel step clicked in the chart', async () => {
    const { page } = browser;
    const behind = deals.filter((d) => d.stage === 'won').map((d) => d.name);
    await funnelWidget(page).locator('svg text', { hasText: stages.won }).first().click();
    await page.getByTestId('drill-total').getByText(`共 ${behind.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...behind].sort());
    await shot(page, 'dashboards-03-drill-funnel');
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('drill-records').waitFor({ state: 'detached' });
  });

  it('narrows the widgets to a period, its last day included', async () => {
    const { page } = browser;
    await page.getByPlaceholder('开始日期').click();
    await page.getByPlaceholder('开始日期').fill('2026-01-01');
    await page.keyboard.press('Enter');
    await page.getByPlaceholder('结束日期').fill('2026-03-31');
    await page.keyboard.press('Enter');
    await expect.poll(() => shownCells(page)).toEqual(expectedCells(deals.filter(inFirstQuarter)));
    await shot(page, 'dashboards-04-period');
  });

  it('narrows the widgets to one owner with the dashboard’s owner filter, on top of the period', async () => {
    const { page } = browser;
    await pickOption(page, page, '负责人', '韩梅');
    await expect.poll(() => shownCells(page)).toEqual(expectedCells(deals.filter((d) => d.owner === 'han' && inFirstQuarter(d))));
    await shot(page, 'dashboards-04-owner-filter');
  });

  it('shows a rep who reads only his own deals only his numbers', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByLabel('邮箱').waitFor();
    await signIn(page, srv.url, email('li'), password);
    await page.getByRole('heading', { name: '销售看板' }).waitFor();
    await salesWidget(page).locator('[data-testid="chart"][data-ready="true"] svg path:not([fill="none"])').first().waitFor();
    await salesWidget(page).getByText('查看数据').click();
    const own = deals.filter((d) => d.owner === 'li');
    await expect.poll(() => shownCells(page)).toEqual(expectedCells(own));
    await shot(page, 'dashboards-05-rep');
  });

  it('lets a business user build the report by dragging fields, put it on a dashboard and drill into it', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByLabel('邮箱').waitFor();
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page.getByRole('menuitem', { name: '报表' }).click();
    await page.getByRole('button', { name: '新建报表' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('自建区域季度销售');
    await pickOption(page, dialog, '基础对象', '商机');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    const drop = async (field: string, zone: string, shown: string) => {
      await page.getByTestId(`report-field-${field}`).dragTo(page.getByTestId(`zone-${zone}`));
      await page.getByTestId(shown).waitFor();
    };
    await drop('account.region', 'rows', 'rows-account.region');
    await drop('closed_on', 'columns', 'columns-closed_on');
    await drop('amount', 'values', 'values-amount');
    await drop('name', 'values', 'values-count');
    await pickOption(page, page, '图表', '条形图');
    await page.getByRole('checkbox', { name: '堆叠' }).check();
    await page.locator('[data-testid="report-preview"] [data-testid="chart"][data-ready="true"] svg path:not([fill="none"])').first().waitFor();
    await shot(page, 'dashboards-06-builder');
    // The preview drills too, by the report's definition (it is not published yet).
    const previewed = `${regions.east}|2026 Q2|amount`;
    await page.getByTestId('report-preview').getByText('查看数据').click();
    await page.getByTestId('report-preview').locator(`[data-cell="${previewed}"]`).click();
    const inPreview = deals.filter((d) => `${regionOf(d)}|${quarterOf(d)}|amount` === previewed).map((d) => d.name);
    await page.getByTestId('drill-total').getByText(`共 ${inPreview.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...inPreview].sort());
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('drill-records').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '保存并发布' }).click();
    await page
      .getByText(/已发布版本/)
      .first()
      .waitFor();

    await page.getByRole('menuitem', { name: '报表' }).click();
    await page.getByRole('button', { name: '新建仪表盘' }).click();
    await page.getByRole('dialog').getByLabel('名称').fill('自建看板');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await pickOption(page, page, '添加报表', '自建区域季度销售');
    await page.getByRole('combobox', { name: '报表 widget_1' }).waitFor();
    await page.getByRole('button', { name: '保存并发布' }).click();
    await page.getByRole('menuitem', { name: '自建看板' }).click();
    await page.getByRole('heading', { name: '自建看板' }).waitFor();

    const widget = page.locator('[data-widget="report_1"]');
    await widget.locator('[data-testid="chart"][data-ready="true"] svg path:not([fill="none"])').first().waitFor();
    await widget.getByText('查看数据').click();
    await expect.poll(() => shownCells(page, 'report_1')).toEqual(expectedCells(deals, 'count'));
    const cell = `${regions.west}|2026 Q2|amount`;
    const behind = deals.filter((d) => `${regionOf(d)}|${quarterOf(d)}|amount` === cell).map((d) => d.name);
    await widget.locator(`[data-cell="${cell}"]`).click();
    await page.getByTestId('drill-total').getByText(`共 ${behind.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...behind].sort());
    await shot(page, 'dashboards-07-built-dashboard');
  });
});
