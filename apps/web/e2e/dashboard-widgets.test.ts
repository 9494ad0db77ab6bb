import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditNames } from './support/axe';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { type Deal, deals, number, quarterOf, regionOf, regions, seedSales, shownCells, stages } from './support/sales';
import { signIn } from './support/ui';

// What a dashboard's widgets do besides drawing their report (issue 16): a chart's picture as PNG
// and any widget's data as an Excel workbook laid out as its pivot shows it, numbers as numbers;
// a click on a bar filters the other widgets over the same object (cross-filtering).

const salesByRegion = {
  name: 'sales_by_region',
  label: { 'zh-CN': '区域销售' },
  object: 'deal',
  rows: [{ field: 'account.region' }],
  values: [{ name: 'amount', fn: 'sum', field: 'amount', label: { 'zh-CN': '金额' } }],
  chart: { type: 'column' },
  dateField: 'closed_on',
};
const regionPivot = {
  name: 'region_pivot',
  label: { 'zh-CN': '区域季度透视' },
  object: 'deal',
  rows: [{ field: 'account.region' }],
  columns: [{ field: 'closed_on', bucket: 'quarter' }],
  values: [
    { name: 'amount', fn: 'sum', field: 'amount', label: { 'zh-CN': '金额' }, format: 'currency' },
    { name: 'share', fn: 'share', of: 'amount', label: { 'zh-CN': '占比' }, format: 'percent' },
  ],
  chart: { type: 'pivot' },
  dateField: 'closed_on',
};
const accountsByRegion = {
  name: 'accounts_by_region',
  label: { 'zh-CN': '客户分布' },
  object: 'account',
  rows: [{ field: 'region' }],
  values: [{ name: 'accounts', fn: 'count', label: { 'zh-CN': '客户数' } }],
  chart: { type: 'column' },
};
const regionsDashboard = {
  name: 'regions',
  label: { 'zh-CN': '区域分析' },
  filters: ['period'],
  widgets: [
    { id: 'sales', report: 'sales_by_region', x: 0, y: 0, w: 6, h: 5 },
    { id: 'pivot', report: 'region_pivot', x: 6, y: 0, w: 6, h: 5 },
    { id: 'funnel', report: 'deals_by_stage', x: 0, y: 5, w: 6, h: 5 },
    { id: 'accounts', report: 'accounts_by_region', x: 6, y: 5, w: 6, h: 5 },
  ],
};

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const measureKeys: Record<string, string> = { 金额: 'amount', 占比: 'share' };

/** The sums of the deals' amounts by `region|quarter`. */
function amounts(of = deals): Map<string, number> {
  const sums = new Map<string, number>();
  for (const d of of) sums.set(`${regionOf(d)}|${quarterOf(d)}`, (sums.get(`${regionOf(d)}|${quarterOf(d)}`) ?? 0) + d.amount);
  return sums;
}

/** What the funnel's data table shows for these deals: `stage||deals` → count. */
function funnelCells(of: Deal[]): Record<string, string> {
  const counts = new Map<string, number>();
  for (const d of of) counts.set(stages[d.stage], (counts.get(stages[d.stage]) ?? 0) + 1);
  return Object.fromEntries([...counts].map(([stage, n]) => [`${stage}||deals`, String(n)]));
}

/** A pivot sheet's values by `row label|column group|measure key`, read under its two heading rows. */
function pivotValues(ws: ExcelJS.Worksheet): Map<string, { value: unknown; numFmt: string | undefined }> {
  const values = new Map<string, { value: unknown; numFmt: string | undefined }>();
  const groups: string[] = [];
  // A merged heading's cells all read the value of its first.
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    groups[col] = String(cell.value ?? '');
  });
  for (let r = 3; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    row.eachCell((cell, col) => {
      if (col === 1) return;
      const measure = measureKeys[String(ws.getRow(2).getCell(col).value)] ?? '?';
      values.set(`${row.getCell(1).value}|${groups[col]}|${measure}`, { value: cell.value, numFmt: cell.numFmt });
    });
  }
  return values;
}

describe.runIf(browserAvailable())('dashboard widgets (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);

  beforeAll(async () => {
    srv = await startServer();
    await seedSales(srv, { reports: [salesByRegion, regionPivot, accountsByRegion], dashboards: [regionsDashboard] });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  const widget = (page: Page, name: string) => page.locator(`[data-widget="${name}"]`);
  const exported = async (page: Page, name: string, item: string): Promise<Download> => {
    await widget(page, name).getByTestId('widget-menu').click();
    const menu = page.locator(`[data-widget-menu="${name}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('menuitem', { name: item }).click()]);
    return download;
  };

  it('exports a chart as a PNG picture', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/dashboards/regions`);
    await page.getByRole('heading', { name: '区域分析' }).waitFor();
    await widget(page, 'sales_by_region').locator('[data-testid="chart"][data-ready="true"] svg path:not([fill="none"])').first().waitFor();
    const download = await exported(page, 'sales_by_region', '导出图片 (PNG)');
    expect(download.suggestedFilename()).toBe('区域销售.png');
    const png = await readFile(await download.path());
    expect([...png.subarray(0, 8)]).toEqual(pngSignature);
    expect(png.length).toBeGreaterThan(5_000);
  });

  it('exports a pivot as a workbook laid out as shown, its numbers as numbers in the report’s formats', async () => {
    const { page } = browser;
    await expect.poll(async () => Object.keys(await shownCells(page, 'region_pivot')).length).toBeGreaterThan(0);
    const shown = await shownCells(page, 'region_pivot');
    const download = await exported(page, 'region_pivot', '导出 Excel (XLSX)');
    expect(download.suggestedFilename()).toBe('区域季度透视.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    const ws = book.worksheets[0] as ExcelJS.Worksheet;
    // Headings as on screen: the region's, then each quarter merged over its two measures.
    expect(['A1', 'B1', 'D1', 'B2', 'C2'].map((a) => ws.getCell(a).value)).toEqual(['区域', '2026 Q1', '2026 Q2', '金额', '占比']);
    expect(ws.getCell('C1').isMerged && ws.getCell('C1').master.address).toBe('B1');
    const values = pivotValues(ws);
    // Every number is a number, formatted as the pivot on screen shows it.
    expect(new Set([...values.values()].map((v) => typeof v.value))).toEqual(new Set(['number']));
    const asShown = Object.fromEntries(
      [...values].map(([key, { value, numFmt }]) => [key, numFmt === '0.00%' ? `${number.format(Number(value) * 100)}%` : money.format(Number(value))]),
    );
    expect(asShown).toEqual(shown);
    // And the amounts are the deals' sums.
    const sums = Object.fromEntries([...values].filter(([k]) => k.endsWith('|amount')).map(([k, v]) => [k.replace(/\|amount$/, ''), v.value]));
    expect(sums).toEqual(Object.fromEntries(amounts()));
    expect(new Set([...values].map(([k, v]) => `${k.split('|')[2]}:${v.numFmt}`))).toEqual(new Set(['amount:#,##0.00', 'share:0.00%']));
    await shot(page, 'dashboard-widgets-01-exports');
  });

  it('narrows the other widgets over the same object to a clicked bar, marks a widget over another object 未联动, and restores them when cleared', async () => {
    const { page } = browser;
    const east = deals.filter((d) => regionOf(d) === regions.east);
    const funnel = () => shownCells(page, 'deals_by_stage');
    const pivotAmounts = async () =>
      Object.fromEntries(
        Object.entries(await shownCells(page, 'region_pivot'))
          .filter(([k]) => k.endsWith('|amount'))
          .map(([k, v]) => [k.replace(/\|amount$/, ''), v]),
      );
    const asMoney = (sums: Map<string, number>) => Object.fromEntries([...sums].map(([k, v]) => [k, money.format(v)]));
    await expect.poll(funnel).toEqual(funnelCells(deals));
    expect(await shownCells(page, 'accounts_by_region')).toEqual({ [`${regions.east}||accounts`]: '2', [`${regions.west}||accounts`]: '1' });

    // The 华东 column: a little above its label on the axis.
    const chart = widget(page, 'sales_by_region').locator('[data-testid="chart"][data-ready="true"]');
    const axisLabel = await chart.locator('svg text', { hasText: regions.east }).first().boundingBox();
    if (!axisLabel) throw new Error('no axis label 华东');
    await page.mouse.click(axisLabel.x + axisLabel.width / 2, axisLabel.y - 40);
    await page.getByTestId('cross-filter').getByText(`区域 = ${regions.east}`, { exact: true }).waitFor();

    await expect.poll(funnel).toEqual(funnelCells(east));
    await expect.poll(pivotAmounts).toEqual(asMoney(amounts(east)));
    await widget(page, 'deals_by_stage').getByTestId('cross-applied').waitFor();
    await widget(page, 'region_pivot').getByTestId('cross-applied').waitFor();
    // Accounts are another object: the filter cannot apply, the widget says so and shows every account.
    await widget(page, 'accounts_by_region').getByTestId('cross-not-applied').getByText('未联动').waitFor();
    expect(await shownCells(page, 'accounts_by_region')).toEqual({ [`${regions.east}||accounts`]: '2', [`${regions.west}||accounts`]: '1' });
    // The widget the filter comes from keeps every region, 华东 highlighted.
    expect(await widget(page, 'sales_by_region').locator('[data-crossed]').count()).toBe(0);
    await expect
      .poll(() => shownCells(page, 'sales_by_region'))
      .toEqual({
        [`${regions.east}||amount`]: number.format(east.reduce((s, d) => s + d.amount, 0)),
        [`${regions.west}||amount`]: number.format(deals.filter((d) => regionOf(d) === regions.west).reduce((s, d) => s + d.amount, 0)),
      });
    const pressed = widget(page, 'sales_by_region').locator('[aria-pressed="true"]');
    expect(await pressed.evaluateAll((els) => els.map((e) => e.getAttribute('data-cell')))).toEqual([`${regions.east}||amount`]);
    await shot(page, 'dashboard-widgets-02-cross-filter');
    // The widget menus, tags and the chip have names a screen reader can say.
    expect(await auditNames(page)).toEqual([]);

    await page.getByLabel('清除联动筛选').click();
    await expect.poll(funnel).toEqual(funnelCells(deals));
    await expect.poll(pivotAmounts).toEqual(asMoney(amounts()));
    await expect.poll(() => page.locator('[data-crossed]').count()).toBe(0);
  });
});
