import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { auditNames } from './support/axe';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { type Deal, deals, number, quarterOf, seedSales, stages } from './support/sales';
import { pickOption, signIn } from './support/ui';

// The report builder's settings (issue 16): sort, top N with or without 其他, row subtotals and
// column totals, the fiscal year's first month and the row limit, each seen in the live preview
// with the numbers the test computes from the deals it created, then published with the report.

const stageOf = (d: Deal) => stages[d.stage];
const sum = (of: Deal[]) => of.reduce((s, d) => s + d.amount, 0);
const byStage = (of: Deal[] = deals) => Object.entries(stages).map(([key, label]) => [label, sum(of.filter((d) => d.stage === key))] as const);

/** A fiscal quarter (the year starting in month `start`) as the preview labels it: its months, `2025-11~2026-01`. */
function fiscalQuarter(d: Deal, start: number): string {
  const month = Number(d.closed_on.slice(5, 7));
  const index = Number(d.closed_on.slice(0, 4)) * 12 + month - 1;
  const first = index - (((month - start + 12) % 12) % 3);
  const at = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  return `${at(first)}~${at(first + 2)}`;
}

/** The preview's cells in the order shown: `row|column|measure` → text. */
async function previewCells(page: Page): Promise<[string, string][]> {
  return page
    .getByTestId('report-preview')
    .locator('[data-cell]')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-cell') ?? '', (e.textContent ?? '').trim()] as [string, string]).filter(([, v]) => v !== ''));
}

describe.runIf(browserAvailable())('report builder settings (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  let admin: Session;
  reportFailures(() => browser?.page);

  beforeAll(async () => {
    srv = await startServer();
    ({ admin } = await seedSales(srv));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  const settings = (page: Page) => page.getByTestId('report-settings');

  it('sorts, keeps the top N with or without 其他, totals rows and columns, counts quarters from the fiscal year and limits rows in the preview', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page.getByRole('menuitem', { name: '报表' }).click();
    await page.getByRole('button', { name: '新建报表' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('名称').fill('阶段销售');
    await pickOption(page, dialog, '基础对象', '商机');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('report-field-stage').dragTo(page.getByTestId('zone-rows'));
    await page.getByTestId('rows-stage').waitFor();
    await page.getByTestId('report-field-amount').dragTo(page.getByTestId('zone-values'));
    await page.getByTestId('values-amount').waitFor();
    await pickOption(page, page, '图表', '透视表');
    const rowsOf = (pairs: (readonly [string, number])[]) => pairs.map(([label, n]) => [`${label}||amount`, number.format(n)]);
    await expect.poll(() => previewCells(page)).toEqual(rowsOf(byStage()));

    // Sorted by the amount, largest first.
    await pickOption(page, settings(page), '排序', '求和 · 金额');
    const largestFirst = [...byStage()].sort((a, b) => b[1] - a[1]);
    await expect.poll(() => previewCells(page)).toEqual(rowsOf(largestFirst));

    // The top two stages, the rest summed as 其他; then without it.
    await settings(page).getByLabel('前 N 名').fill('2');
    await expect.poll(() => previewCells(page)).toEqual(rowsOf([...largestFirst.slice(0, 2), ['其他', largestFirst[2]?.[1] ?? 0]]));
    await settings(page).getByRole('checkbox', { name: '其余合并为「其他」' }).uncheck();
    await expect.poll(() => previewCells(page)).toEqual(rowsOf(largestFirst.slice(0, 2)));
    await settings(page).getByLabel('前 N 名').clear();
    await expect.poll(() => previewCells(page)).toEqual(rowsOf(largestFirst));

    // Row totals: the grand total after the stages.
    await pickOption(page, settings(page), '小计', '行小计与总计');
    await expect.poll(() => previewCells(page)).toEqual(rowsOf([...largestFirst, ['合计', sum(deals)]]));
    await shot(page, 'report-builder-settings-01-totals');

    // By quarter across, totalled both ways.
    await page.getByTestId('report-field-closed_on').dragTo(page.getByTestId('zone-columns'));
    await page.getByTestId('columns-closed_on').waitFor();
    await pickOption(page, settings(page), '小计', '行与列');
    const quarters = [...new Set(deals.map(quarterOf))];
    const both: Record<string, string> = {};
    for (const [key, label] of Object.entries(stages)) {
      const mine = deals.filter((d) => d.stage === key);
      for (const q of quarters) {
        const cell = mine.filter((d) => quarterOf(d) === q);
        if (cell.length) both[`${label}|${q}|amount`] = number.format(sum(cell));
      }
      both[`${label}|合计|amount`] = number.format(sum(mine));
    }
    for (const q of quarters) both[`合计|${q}|amount`] = number.format(sum(deals.filter((d) => quarterOf(d) === q)));
    both['合计|合计|amount'] = number.format(sum(deals));
    await expect.poll(async () => Object.fromEntries(await previewCells(page))).toEqual(both);
    // Sorted by the amount, the rows go by their totals and the quarters stay in date order.
    const headings = page.getByTestId('report-preview').locator('thead th');
    expect((await headings.allInnerTexts()).map((h) => h.trim())).toEqual(['阶段', ...[...quarters].sort(), '合计']);
    const firstCells = (await previewCells(page)).map(([k]) => k.split('|')[0]);
    expect([...new Set(firstCells)]).toEqual([...largestFirst.map(([label]) => label), '合计']);
    await shot(page, 'report-builder-settings-02-both-totals');

    // A fiscal year from February: quarters start in February, May, August and November.
    await pickOption(page, settings(page), '小计', '无');
    await pickOption(page, settings(page), '财年起始月', '2 月');
    const fiscalSums = new Map<string, number>();
    for (const d of deals) {
      const key = `${stageOf(d)}|${fiscalQuarter(d, 2)}|amount`;
      fiscalSums.set(key, (fiscalSums.get(key) ?? 0) + d.amount);
    }
    const fiscal = Object.fromEntries([...fiscalSums].map(([k, v]) => [k, number.format(v)]));
    await expect.poll(async () => Object.fromEntries(await previewCells(page))).toEqual(fiscal);
    expect(Object.keys(fiscal).some((k) => k.includes('2025-11~2026-01'))).toBe(true);

    // At most two result rows: the preview says it shows only part.
    await settings(page).getByLabel('行数上限').fill('2');
    await page.getByTestId('report-preview').getByText('分组过多，只显示了一部分').waitFor();
    await expect.poll(async () => (await previewCells(page)).length).toBe(2);
    await shot(page, 'report-builder-settings-03-fiscal-limit');
    expect(await auditNames(page)).toEqual([]);

    await page.getByRole('button', { name: '保存并发布' }).click();
    await page
      .getByText(/已发布版本/)
      .first()
      .waitFor();
    const listed = await srv.server.as(admin, { method: 'GET', url: `/api/v1/t/${srv.server.tenant}/reports` });
    const report = (listed.json().items as { label: { 'zh-CN': string } }[]).find((r) => r.label['zh-CN'] === '阶段销售');
    expect(report).toMatchObject({ sort: [{ by: 'amount', direction: 'desc' }], fiscalYearStart: 2, limit: 2 });
    expect(report).not.toHaveProperty('top');
  });
});
