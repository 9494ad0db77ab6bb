import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, pickOption, signIn } from './support/ui';

// 查重: a business user turns on a duplicate rule in the object designer, publishes it, and an
// end user who types an existing company another way is stopped on that field.
describe.runIf(browserAvailable())('duplicate rules (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const suppliers = async () => (await api('GET', '/objects/supplier/records?sort=created_at')).json().records as { id: string; name: string }[];

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'suppliers',
      metadata: {
        objects: [
          {
            name: 'supplier',
            label: { 'zh-CN': '供应商', en: 'Supplier' },
            fields: [
              { name: 'name', type: 'text', required: true, label: { 'zh-CN': '供应商名称', en: 'Name' } },
              { name: 'phone', type: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    expect((await api('POST', '/objects/supplier/records', { name: '杭州青禾科技有限公司' })).statusCode).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('turns on 查重 by company name in the designer and publishes it, named in the plan', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design/objects/supplier`);
    await page.locator('[data-testid="designer-field"][data-name="name"]').click();
    const panel = page.getByTestId('property-panel');
    await pickOption(page, panel, '查重', '公司名称');
    await page.getByTestId('draft-saved').waitFor();
    await shot(page, 'duplicates-01-designer');
    await page.getByRole('menuitem', { name: '发布' }).click();
    await page.getByTestId('plan-step').filter({ hasText: '修改查重规则' }).waitFor();
    await page.getByRole('button', { name: '立即发布' }).click();
    await page
      .getByText(/已发布版本/)
      .first()
      .waitFor();
    const supplier = (await api('GET', '/metadata')).json().metadata.objects.find((o: { name: string }) => o.name === 'supplier');
    expect(supplier.duplicateRules).toEqual([{ id: 'dup_name', field: 'name', match: 'company' }]);
  });

  it('stops a company typed another way on its field, keeps what was typed, and saves a new one', async () => {
    const { page } = browser;
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/supplier`);
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建供应商' }).waitFor();
    await page.getByLabel('供应商名称').fill('杭州青禾科技（中国）股份有限公司');
    await page.getByLabel('电话').fill('0571-8888 6666');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await fieldItem(page, 'name').getByText('已有相同供应商名称的记录').waitFor();
    expect(await page.getByLabel('供应商名称').inputValue()).toBe('杭州青禾科技（中国）股份有限公司');
    expect(await page.getByLabel('电话').inputValue()).toBe('0571-8888 6666');
    // The record it duplicates is named, and opens in a new tab so nothing typed here is lost.
    const existing = page.getByTestId('duplicate-matches').getByRole('link', { name: '杭州青禾科技有限公司' });
    const [first] = await suppliers();
    expect(await existing.getAttribute('href')).toBe(`/t/${srv.server.tenant}/o/supplier/r/${first?.id}`);
    expect(await existing.getAttribute('target')).toBe('_blank');
    await shot(page, 'duplicates-02-refused');
    expect((await suppliers()).map((s) => s.name)).toEqual(['杭州青禾科技有限公司']);

    await page.getByLabel('供应商名称').fill('宁波青禾贸易有限公司');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();
    expect((await suppliers()).map((s) => s.name)).toEqual(['杭州青禾科技有限公司', '宁波青禾贸易有限公司']);
  });
});
