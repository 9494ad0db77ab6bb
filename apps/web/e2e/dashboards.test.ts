import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import {
  deals,
  drilled,
  expectedCells,
  inFirstQuarter,
  quarterOf,
  regionOf,
  regions,
  repPassword,
  type SalesTenant,
  seedSales,
  shownCells,
  stages,
} from './support/sales';
import { pickOption, signIn } from './support/ui';

// Reports and dashboards (issue 16): the home dashboard draws "sales by region by quarter" as
// stacked bars with its numbers under it, a click on a cell or a funnel step selects it and its
// 查看记录 lists exactly the records behind it, and a rep who reads only his own deals sees only
// his numbers.

describe.runIf(browserAvailable())('dashboards (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let sales: SalesTenant;
  const email = (who: 'li' | 'han') => sales.email(who);
  const password = repPassword;

  beforeAll(async () => {
    srv = await startServer();
    sales = await seedSales(srv);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  const salesWidget = (page: Page) => page.locator('[data-widget="sales_by_region_quarter"]');
  const funnelWidget = (page: Page) => page.locator('[data-widget="deals_by_stage"]');
  /** A click on a cell selects it as the dashboard's cross filter; its chip lists the records behind it. */
  const recordsOfSelection = async (page: Page, chip: string) => {
    await page.getByTestId('cross-filter').getByText(chip, { exact: true }).waitFor();
    await page.getByTestId('cross-filter').getByRole('button', { name: '查看记录' }).click();
  };
  const closeRecordsAndSelection = async (page: Page) => {
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('drill-records').waitFor({ state: 'detached' });
    await page.getByLabel('清除联动筛选').click();
    await page.getByTestId('cross-filter').waitFor({ state: 'detached' });
  };

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
    await recordsOfSelection(page, `区域 = ${regions.east} · 成交日期 = 2026 Q1`);
    await page.getByTestId('drill-total').getByText(`共 ${behind.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...behind].sort());
    await shot(page, 'dashboards-02-drill-cell');
    await closeRecordsAndSelection(page);
  });

  it('lists the records of a funnel step clicked in the chart', async () => {
    const { page } = browser;
    const behind = deals.filter((d) => d.stage === 'won').map((d) => d.name);
    await funnelWidget(page).locator('svg text', { hasText: stages.won }).first().click();
    await recordsOfSelection(page, `阶段 = ${stages.won}`);
    await page.getByTestId('drill-total').getByText(`共 ${behind.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...behind].sort());
    await shot(page, 'dashboards-03-drill-funnel');
    await closeRecordsAndSelection(page);
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
    // The preview exports its picture as a dashboard widget does.
    await page.getByTestId('report-preview').getByTestId('widget-menu').click();
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-widget-menu]').getByRole('menuitem', { name: '导出图片 (PNG)' }).click(),
    ]);
    expect([...(await readFile(await png.path())).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
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
    await recordsOfSelection(page, `区域 = ${regions.west} · 成交日期 = 2026 Q2`);
    await page.getByTestId('drill-total').getByText(`共 ${behind.length} 条`).waitFor();
    await expect.poll(() => drilled(page)).toEqual([...behind].sort());
    await shot(page, 'dashboards-07-built-dashboard');
  });
});
