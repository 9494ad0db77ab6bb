import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { signIn } from './support/ui';

interface Line {
  id: string;
  version: number;
  product: string;
  qty: number;
  price: number;
  amount: number;
  deleted_at?: string | null;
}

// Issue 5, scope 4: detail lines as a sub-table in the master's form, saved with it in one go.
describe.runIf(browserAvailable())('detail lines in a form (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const lines = async () => (await api('GET', '/objects/order_line/records?limit=50&sort=id')).json().records as Line[];
  const cell = (page: Page, label: string) => page.getByLabel(label, { exact: true });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'orders',
      metadata: {
        objects: [
          {
            name: 'sales_order',
            label: { 'zh-CN': '订单', en: 'Order' },
            fields: [
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '订单名称', en: 'Title' } },
              {
                name: 'total',
                type: 'rollup',
                label: { 'zh-CN': '订单金额', en: 'Total' },
                options: { object: 'order_line', via: 'order', aggregate: 'sum', field: 'amount' },
              },
            ],
          },
          {
            name: 'order_line',
            label: { 'zh-CN': '订单明细', en: 'Order line' },
            fields: [
              { name: 'order', type: 'masterdetail', label: { 'zh-CN': '订单', en: 'Order' }, options: { target: 'sales_order', detailName: 'lines' } },
              { name: 'product', type: 'text', required: true, label: { 'zh-CN': '产品', en: 'Product' } },
              { name: 'qty', type: 'integer', required: true, label: { 'zh-CN': '数量', en: 'Qty' } },
              { name: 'price', type: 'currency', label: { 'zh-CN': '单价', en: 'Price' } },
              {
                name: 'amount',
                type: 'formula',
                label: { 'zh-CN': '金额', en: 'Amount' },
                options: { resultType: 'number', scale: 2, expression: { '*': [{ var: 'qty' }, { var: 'price' }] } },
              },
            ],
            validationRules: [
              {
                id: 'qty_positive',
                field: 'qty',
                rule: { '>': [{ var: 'qty' }, 0] },
                message: { 'zh-CN': '数量必须大于 0', en: 'Qty must be above 0' },
              },
            ],
          },
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

  it('creates an order with its lines; a bad line is marked on its cell and nothing is saved until it is fixed', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: /(^|\s)订单$/ }).click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建订单' }).waitFor();
    await page.getByLabel('订单名称').fill('华东区办公家具');
    const table = page.getByTestId('detail-lines');
    await table.getByText('还没有订单明细').waitFor();
    await table.getByRole('button', { name: '添加一行' }).click();
    await table.getByRole('button', { name: '添加一行' }).click();
    await cell(page, '产品 1').fill('办公椅');
    await cell(page, '数量 1').fill('4');
    await cell(page, '单价 1').fill('500');
    // The amount (a formula) is worked out as the line is typed.
    await table
      .locator('.ant-table-row')
      .first()
      .getByText(/2,?000/)
      .waitFor();
    await cell(page, '产品 2').fill('显示器');
    await cell(page, '数量 2').fill('-1');
    await cell(page, '单价 2').fill('1200');
    await page.getByRole('button', { name: /保\s*存/ }).click();

    await page.getByText('请检查「订单明细」中标红的第 2 行').waitFor();
    await table.locator('[data-cell="1.qty"]').getByText('数量必须大于 0').waitFor();
    expect(await cell(page, '产品 2').inputValue()).toBe('显示器');
    await shot(page, 'detail-01-line-error');
    expect((await api('GET', '/objects/sales_order/records?count=true')).json().total).toBe(0);
    expect(await lines()).toEqual([]);

    await cell(page, '数量 2').fill('2');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();
    await table.getByText('办公椅').waitFor();
    await shot(page, 'detail-02-saved');
    const order = (await api('GET', '/objects/sales_order/records')).json().records[0];
    expect(Number(order.total)).toBe(4400);
    const saved = await lines();
    expect(saved.map((l) => [l.product, l.qty, Number(l.amount)])).toEqual([
      ['办公椅', 4, 2000],
      ['显示器', 2, 2400],
    ]);
  });

  it('edits, removes and adds lines in place; the set is replaced with version checks', async () => {
    const { page } = browser;
    const before = await lines();
    const chair = before.find((l) => l.product === '办公椅') as Line;
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await cell(page, '数量 1').fill('5');
    await page.getByRole('button', { name: '删除第 2 行' }).click();
    await page.getByTestId('detail-lines').getByRole('button', { name: '添加一行' }).click();
    await cell(page, '产品 2').fill('键盘');
    await cell(page, '数量 2').fill('1');
    await cell(page, '单价 2').fill('300');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').first().waitFor();
    await page.getByTestId('detail-lines').getByText('键盘').waitFor();
    await shot(page, 'detail-03-edited');

    const after = await lines();
    expect(after.map((l) => [l.product, l.qty])).toEqual([
      ['办公椅', 5],
      ['键盘', 1],
    ]);
    expect(after[0]).toMatchObject({ id: chair.id, version: chair.version + 1 });
    const order = (await api('GET', '/objects/sales_order/records')).json().records[0];
    expect(Number(order.total)).toBe(2800);
    const trash = (await api('GET', '/objects/order_line/records?deleted=true')).json().records as Line[];
    expect(trash.map((l) => l.product)).toEqual(['显示器']);
  });
});
