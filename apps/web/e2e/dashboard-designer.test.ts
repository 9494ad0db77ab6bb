import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorGrid } from '../src/designer/dashboard-layout';
import { auditNames } from './support/axe';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { seedSales } from './support/sales';
import { pickOption, signIn } from './support/ui';

// The dashboard editor's grid (issue 16): a widget dragged beside another and one resized by its
// corner, the one in its way pushed down; published, the runtime dashboard places them so.

/** Where a runtime widget sits on the dashboard's CSS grid, as the browser computed it. */
const gridArea = (widget: Locator) =>
  widget.evaluate((el) => {
    const s = getComputedStyle(el.parentElement as HTMLElement);
    return `${s.gridColumnStart} / ${s.gridColumnEnd} | ${s.gridRowStart} / ${s.gridRowEnd}`;
  });

describe.runIf(browserAvailable())('dashboard designer grid (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);

  beforeAll(async () => {
    srv = await startServer();
    await seedSales(srv);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  const placeOf = (page: Page, id: string) => page.getByTestId(`grid-widget-${id}`).getAttribute('data-place');

  it('moves a widget by dragging and resizes one by its corner, pushing the other down, and the dashboard shows them so', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page.getByRole('menuitem', { name: '报表' }).click();
    await page.getByRole('button', { name: '新建仪表盘' }).click();
    await page.getByRole('dialog').getByLabel('名称').fill('布局看板');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await pickOption(page, page, '添加报表', '各区域季度销售');
    await page.getByTestId('grid-widget-widget_1').waitFor();
    await pickOption(page, page, '添加报表', '销售漏斗');
    await page.getByTestId('grid-widget-widget_2').waitFor();
    expect([await placeOf(page, 'widget_1'), await placeOf(page, 'widget_2')]).toEqual(['0,0,6,5', '0,5,6,5']);

    // The funnel dragged by its title to the top of the seventh column, beside the sales chart.
    const grid = page.getByTestId('dashboard-grid');
    await page.getByTestId('grid-move-widget_2').dragTo(grid.locator('[data-col="6"]'), { sourcePosition: { x: 6, y: 6 }, targetPosition: { x: 6, y: 6 } });
    await expect.poll(() => placeOf(page, 'widget_2')).toBe('6,0,6,5');

    // The sales chart made two columns wider and a row shorter: the funnel in its way moves below it.
    const [first, second] = await Promise.all([grid.locator('[data-col="0"]').boundingBox(), grid.locator('[data-col="1"]').boundingBox()]);
    if (!first || !second) throw new Error('no grid columns');
    const handle = await page.getByTestId('grid-resize-widget_1').boundingBox();
    if (!handle) throw new Error('no resize handle');
    const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + (second.x - first.x), from.y - 10, { steps: 5 });
    await page.mouse.move(from.x + 2 * (second.x - first.x), from.y - (editorGrid.rowHeight + editorGrid.gap), { steps: 5 });
    await page.getByTestId('grid-widget-widget_1').getByText('8 × 4').waitFor();
    await page.mouse.up();
    await expect.poll(() => placeOf(page, 'widget_1')).toBe('0,0,8,4');
    expect(await placeOf(page, 'widget_2')).toBe('6,4,6,5');
    expect(await page.getByLabel('w widget_1').inputValue()).toBe('8');
    // The keyboard resizes too: the funnel a row shorter.
    await page.getByRole('button', { name: '调整「销售漏斗」的大小' }).press('ArrowUp');
    await expect.poll(() => placeOf(page, 'widget_2')).toBe('6,4,6,4');
    await shot(page, 'dashboard-designer-01-grid');
    expect(await auditNames(page)).toEqual([]);

    await page.getByRole('button', { name: '保存并发布' }).click();
    await page.getByRole('menuitem', { name: '布局看板' }).click();
    await page.getByRole('heading', { name: '布局看板' }).waitFor();
    const sales = page.locator('[data-widget="sales_by_region_quarter"]');
    const funnel = page.locator('[data-widget="deals_by_stage"]');
    await funnel.waitFor();
    expect(await gridArea(sales)).toBe('1 / span 8 | 1 / span 4');
    expect(await gridArea(funnel)).toBe('7 / span 6 | 5 / span 4');
    const [salesBox, funnelBox] = await Promise.all([sales.boundingBox(), funnel.boundingBox()]);
    if (!salesBox || !funnelBox) throw new Error('widgets not drawn');
    expect(funnelBox.y).toBeGreaterThan(salesBox.y + salesBox.height);
    expect(salesBox.width / funnelBox.width).toBeCloseTo(8 / 6, 1);
    await shot(page, 'dashboard-designer-02-runtime');
  });
});
