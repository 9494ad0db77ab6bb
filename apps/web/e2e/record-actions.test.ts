import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, signIn } from './support/ui';

// 线索转换 in the browser: a sales rep opens their lead, clicks 转换, fills the small form,
// confirms, and opens the opportunity and account it made.
describe.runIf(browserAvailable())('record actions: converting a lead (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  let leadId = '';
  const email = () => `rep@${srv.server.domain}`;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const installed = await api('POST', '/templates/install', { name: 'crm' });
    expect(installed.statusCode, installed.body).toBe(200);
    const added = await api('POST', '/members', { email: email(), name: '李销售', password: 'rep password 1', role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    const rep = added.json().user.id as string;
    expect((await api('PUT', `/access/users/${rep}/roles`, { roles: ['sales_rep'] })).statusCode).toBe(200);
    const lead = await api('POST', '/objects/lead/records', {
      company: '杭州云栖智造有限公司',
      contact_name: '陈明',
      mobile: '13800138123',
      status: 'following',
      industry: 'manufacturing',
      owner_id: rep,
    });
    expect(lead.statusCode, lead.body).toBe(201);
    leadId = lead.json().id;
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('converts the lead from its page and opens the opportunity and account it created', async () => {
    const { page } = browser;
    await signIn(page, srv.url, email(), 'rep password 1');
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/lead/r/${leadId}`);
    await page.getByRole('heading', { name: '杭州云栖智造有限公司' }).waitFor();
    await page.getByTestId('record-action-lead_convert').click();
    await page.getByTestId('record-action-confirm').getByText('不能再次转换', { exact: false }).waitFor();
    await fieldItem(page, 'opportunity_name').locator('input').fill('智能产线一期');
    await fieldItem(page, 'amount').locator('input').fill('880000');
    await shot(page, 'actions-01-form');
    await page.getByTestId('record-action-run').click();
    await page.getByTestId('record-action-result').waitFor();
    await shot(page, 'actions-02-done');
    // The lead is converted: the button is gone.
    await expect.poll(async () => page.getByTestId('record-action-lead_convert').count()).toBe(0);
    // The lead's history names the action that changed it.
    await page.getByTestId('history-via-action').first().waitFor();
    const lead = (await api('GET', `/objects/lead/records/${leadId}`)).json();
    expect(lead.status).toBe('converted');

    await page.getByTestId('record-action-open-opportunity').click();
    await page.getByRole('heading', { name: '智能产线一期' }).waitFor();
    expect(page.url()).toContain(`/o/opportunity/r/${lead.converted_opportunity}`);
    await shot(page, 'actions-03-opportunity');
    const opportunity = (await api('GET', `/objects/opportunity/records/${lead.converted_opportunity}`)).json();
    expect(opportunity).toMatchObject({ name: '智能产线一期', amount: 880000, account: lead.converted_account, source_lead: leadId });

    await page.goBack();
    await page.getByTestId('record-action-open-account').click();
    await page.getByRole('heading', { name: '杭州云栖智造有限公司' }).waitFor();
    expect(page.url()).toContain(`/o/account/r/${lead.converted_account}`);
  });

  it('converts a lead from the row menu of the lead list', async () => {
    const { page } = browser;
    const other = await api('POST', '/objects/lead/records', {
      company: '宁波列表电器有限公司',
      contact_name: '周洁',
      mobile: '13800138456',
      status: 'new',
      owner_id: (await api('GET', `/objects/lead/records/${leadId}`)).json().owner_id,
    });
    expect(other.statusCode, other.body).toBe(201);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/lead`);
    const row = page.locator('.ant-table-row', { hasText: '宁波列表电器有限公司' });
    await row.getByTestId('row-actions').click();
    await page.getByRole('menuitem', { name: '转换' }).click();
    // Off, and still off once the form has its defaults (a click before they arrive is undone by them).
    const createOpportunity = fieldItem(page, 'create_opportunity').getByRole('switch');
    await expect
      .poll(async () => {
        if ((await createOpportunity.getAttribute('aria-checked')) === 'true') await createOpportunity.click();
        return createOpportunity.getAttribute('aria-checked');
      })
      .toBe('false');
    await page.getByTestId('record-action-run').click();
    await expect.poll(async () => (await api('GET', `/objects/lead/records/${other.json().id}`)).json().status).toBe('converted');
    await shot(page, 'actions-04-row-menu');
    const converted = (await api('GET', `/objects/lead/records/${other.json().id}`)).json();
    expect(converted.converted_account).toEqual(expect.any(String));
    expect(converted.converted_opportunity).toBeNull();
  });
});
