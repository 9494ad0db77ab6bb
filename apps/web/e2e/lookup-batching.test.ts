import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures } from './support/browser';
import { type RunningServer, startServer } from './support/server';

// Lookup names come with the page, not one request per referenced record: a table of 50 deals
// over 40 companies, or the same deals as a kanban, asks for the companies in one query (issue 17:
// a kanban of 80 opportunities sent 112 requests for account names). Every name shown is the
// company's. (The shell's own requests — counts, notifications, metadata — are not counted here.)

const companies = 40;
const deals = 80;

describe.runIf(browserAvailable())('lookup names on lists and kanbans (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);

  beforeAll(async () => {
    srv = await startServer();
    const admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const as = (url: string, payload: unknown) =>
      srv.server.as(admin, { method: 'POST', url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
    const published = await as('/metadata/publish', {
      metadata: {
        objects: [
          { name: 'company', label: { 'zh-CN': '公司', en: 'Company' }, titleField: 'name', fields: [{ name: 'name', type: 'text', required: true }] },
          {
            name: 'deal',
            label: { 'zh-CN': '交易', en: 'Deal' },
            titleField: 'title',
            fields: [
              { name: 'title', type: 'text', required: true },
              { name: 'company', type: 'lookup', options: { target: 'company' } },
              { name: 'stage', type: 'select', options: { options: [{ key: 'open' }, { key: 'won' }] } },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const made = await as('/objects/company/records/bulk', { create: Array.from({ length: companies }, (_, i) => ({ name: `公司 ${i}` })) });
    expect(made.statusCode, made.body).toBe(200);
    const ids = (made.json().created as { id: string }[]).map((r) => r.id);
    const seeded = await as('/objects/deal/records/bulk', {
      create: Array.from({ length: deals }, (_, i) => ({
        title: `交易 ${String(i).padStart(2, '0')}`,
        company: ids[i % companies],
        stage: i % 2 ? 'won' : 'open',
      })),
    });
    expect(seeded.statusCode, seeded.body).toBe(200);
    browser = await launchBrowser();
    const [name, ...value] = admin.cookie.split('=');
    await browser.context.addCookies([{ name: name as string, value: value.join('='), url: srv.url }]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  /** The API requests a page sends until `shown` resolves. */
  async function requestsFor(page: Page, url: string, shown: () => Promise<void>): Promise<string[]> {
    const sent: string[] = [];
    const listen = (r: { url(): string; method(): string }) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/')) sent.push(`${r.method()} ${u.pathname}`);
    };
    page.on('request', listen);
    await page.goto(url);
    await shown();
    page.off('request', listen);
    return sent;
  }

  /** Every deal shown (a row, a card) with the company name its title says it has (交易 07 → 公司 7). */
  async function namesMatch(page: Page, scope: string) {
    const pairs = await page
      .locator(scope)
      .evaluateAll((els) =>
        els.map((el) =>
          [...el.querySelectorAll('a, strong')].map((a) => (a.textContent ?? '').trim()).filter((t) => /^交易 \d+$/.test(t) || /^公司 \d+$/.test(t)),
        ),
      );
    const checked = pairs.filter((p) => p.length === 2);
    expect(checked.length).toBeGreaterThan(10);
    for (const [deal, company] of checked) expect(company, deal).toBe(`公司 ${Number((deal as string).slice(3)) % companies}`);
  }

  it('a table of deals asks for their companies in one query and shows each name', async () => {
    const page = browser.page;
    const sent = await requestsFor(page, `${srv.url}/t/${srv.server.tenant}/o/deal`, async () => {
      await page.locator('.ant-table-row').nth(9).waitFor();
      await expect.poll(() => page.locator('.ant-table-row a', { hasText: '…' }).count()).toBe(0);
    });
    expect(sent.filter((r) => /\/objects\/company\/records\/[0-9a-f-]{36}$/.test(r))).toEqual([]);
    expect(sent.filter((r) => r.includes('/objects/company/records/query'))).toHaveLength(1);
    // the records shown and their companies: two requests, however many cards or rows
    expect(
      sent.filter((r) => r.includes('/objects/')),
      sent.join('\n'),
    ).toHaveLength(2);
    await namesMatch(page, '.ant-table-row');
  });

  it('a kanban of the same deals does too', async () => {
    const page = browser.page;
    const sent = await requestsFor(page, `${srv.url}/t/${srv.server.tenant}/o/deal?view=kanban`, async () => {
      await page.getByText('交易 79').waitFor();
      await expect.poll(() => page.locator('.ant-card a', { hasText: '…' }).count()).toBe(0);
    });
    expect(sent.filter((r) => /\/objects\/company\/records\/[0-9a-f-]{36}$/.test(r))).toEqual([]);
    expect(sent.filter((r) => r.includes('/objects/company/records/query'))).toHaveLength(1);
    // the records shown and their companies: two requests, however many cards or rows
    expect(
      sent.filter((r) => r.includes('/objects/')),
      sent.join('\n'),
    ).toHaveLength(2);
    await namesMatch(page, '[data-testid="kanban-card"]');
  });
});
