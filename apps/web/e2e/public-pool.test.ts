import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { signIn, tableRows } from './support/ui';

// 公海: a rep who sees only their own customers also sees those without an owner, claims them up
// to the limit, and gives one back.
describe.runIf(browserAvailable())('the public pool (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  let rep = '';
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const owners = async () =>
    Object.fromEntries(
      ((await api('GET', '/objects/customer/records?sort=name')).json().records as { name: string; owner_id: string | null }[]).map((r) => [
        r.name,
        r.owner_id,
      ]),
    );
  const email = () => `rep@${srv.server.domain}`;

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'customers with a pool',
      metadata: {
        objects: [
          {
            name: 'customer',
            label: { 'zh-CN': '客户', en: 'Customer' },
            fields: [
              { name: 'name', type: 'text', required: true, label: { 'zh-CN': '客户名称', en: 'Name' } },
              { name: 'last_follow_up_at', type: 'datetime', label: { 'zh-CN': '最近跟进', en: 'Last follow-up' } },
            ],
            publicPool: { claimLimit: 2, recycleAfterDays: 30, activityField: 'last_follow_up_at' },
          },
          { name: 'supplier', label: { 'zh-CN': '供应商', en: 'Supplier' }, fields: [{ name: 'name', type: 'text', label: { 'zh-CN': '供应商名称' } }] },
        ],
        views: [
          {
            name: 'customer_pool',
            object: 'customer',
            type: 'table',
            label: { 'zh-CN': '公海客户', en: 'Public pool' },
            columns: ['name'],
            filter: { '==': [{ var: 'owner_id' }, null] },
          },
        ],
        menu: [
          { id: 'customers', object: 'customer', label: { 'zh-CN': '客户', en: 'Customers' } },
          { id: 'customer_pool', object: 'customer', view: 'customer_pool', label: { 'zh-CN': '公海客户', en: 'Public pool' } },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const role = await api('PUT', '/access/roles/rep', {
      name: 'rep',
      label: '销售代表',
      objects: { customer: { create: true, read: 'own', update: 'own', delete: 'own' } },
    });
    expect(role.statusCode, role.body).toBeLessThan(300);
    const added = await api('POST', '/members', { email: email(), name: '王东', password: 'rep password 1', role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    rep = added.json().user.id;
    expect((await api('PUT', `/access/users/${rep}/roles`, { roles: ['rep'] })).statusCode).toBe(200);
    for (const name of ['杭州青禾科技', '宁波海曙贸易', '温州鹿城鞋业'])
      expect((await api('POST', '/objects/customer/records', { name, owner_id: null })).statusCode).toBe(201);
    expect((await api('POST', '/objects/customer/records', { name: '别人的客户' })).statusCode).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  const open = async (name: string) => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '公海客户' }).click();
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { name }).waitFor();
  };

  it('shows the rep the customers in the pool, not a colleague’s', async () => {
    const { page } = browser;
    await signIn(page, srv.url, email(), 'rep password 1');
    await page.getByRole('menuitem', { name: '公海客户' }).click();
    await expect
      .poll(async () => (await tableRows(page).allInnerTexts()).map((r) => r.trim()).sort())
      .toEqual(['宁波海曙贸易', '杭州青禾科技', '温州鹿城鞋业']);
    await shot(page, 'pool-01-list');
  });

  it('claims a customer, which then shows the rep as its owner', async () => {
    const { page } = browser;
    await open('杭州青禾科技');
    await page.getByTestId('record-owner').getByText('公海').waitFor();
    await page.getByRole('button', { name: /领\s*取/ }).click();
    await page.getByTestId('record-owner').getByText('王东').waitFor();
    await page.getByRole('button', { name: '退回公海' }).waitFor();
    await shot(page, 'pool-02-claimed');
    expect((await owners())['杭州青禾科技']).toBe(rep);
  });

  it('stops at the claim limit with a message saying so, and takes nothing', async () => {
    const { page } = browser;
    await open('宁波海曙贸易');
    await page.getByRole('button', { name: /领\s*取/ }).click();
    await page.getByTestId('record-owner').getByText('王东').waitFor();
    await open('温州鹿城鞋业');
    await page.getByRole('button', { name: /领\s*取/ }).click();
    await page.getByText('已达到领取上限（最多 2 条）', { exact: false }).waitFor();
    await shot(page, 'pool-03-limit');
    expect((await owners())['温州鹿城鞋业']).toBeNull();
    await page.getByTestId('record-owner').getByText('公海').waitFor();
  });

  it('gives one back after asking, and it is in the pool again', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: /(^|\s)客户$/ }).click();
    await page.getByRole('link', { name: '宁波海曙贸易' }).click();
    await page.getByRole('button', { name: '退回公海' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.getByTestId('record-owner').getByText('公海').waitFor();
    await page.getByRole('button', { name: /领\s*取/ }).waitFor();
    await shot(page, 'pool-04-returned');
    expect((await owners())['宁波海曙贸易']).toBeNull();
    await page.getByRole('menuitem', { name: '公海客户' }).click();
    await expect.poll(async () => (await tableRows(page).allInnerTexts()).map((r) => r.trim()).sort()).toEqual(['宁波海曙贸易', '温州鹿城鞋业']);
  });

  it('lets a business user turn a pool on in the designer, named in the publish plan', async () => {
    const designer = await launchBrowser();
    try {
      const { page } = designer;
      await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
      await page.goto(`${srv.url}/t/${srv.server.tenant}/design/objects/supplier`);
      const settings = page.getByTestId('pool-settings');
      await settings.getByLabel('启用公海').click();
      await settings.getByLabel('领取上限（每人最多负责的记录数）').fill('5');
      await settings.getByLabel('多少天未跟进自动退回公海').fill('14');
      await page.getByTestId('draft-saved').waitFor();
      await shot(page, 'pool-05-designer');
      await page.getByRole('menuitem', { name: '发布' }).click();
      await page.getByTestId('plan-step').filter({ hasText: '修改公海设置' }).waitFor();
      await page.getByRole('button', { name: '立即发布' }).click();
      await page
        .getByText(/已发布版本/)
        .first()
        .waitFor();
      const supplier = (await api('GET', '/metadata')).json().metadata.objects.find((o: { name: string }) => o.name === 'supplier');
      expect(supplier.publicPool).toEqual({ claimLimit: 5, recycleAfterDays: 14 });
    } finally {
      await designer.close();
    }
  });
});
