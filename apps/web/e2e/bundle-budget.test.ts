import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures } from './support/browser';
import { type RunningServer, distDir, startServer } from './support/server';

// The runtime's initial JavaScript has a budget (docs/guides/web-app.md): what a browser loads to
// show a list, the page people open first, gzipped, at most 500 KB. Server-side libraries (ajv,
// luxon, cron-parser through @tangram/metadata) and the heavy pages' code (charts, Excel export,
// the designer, the BPMN modeler, record forms) must not ride along: a static import of any of them
// from the runtime's shell fails this.

const budgetKb = 500;

describe.runIf(browserAvailable())('the runtime’s initial JavaScript (browser)', () => {
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
          {
            name: 'device',
            label: { 'zh-CN': '设备', en: 'Device' },
            fields: [
              { name: 'name', type: 'text', required: true },
              { name: 'bought_on', type: 'date' },
              { name: 'keeper', type: 'user' },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const seeded = await as('/objects/device/records/bulk', { create: [{ name: '设备 1', bought_on: '2026-01-05' }, { name: '设备 2' }] });
    expect(seeded.statusCode, seeded.body).toBe(200);
    browser = await launchBrowser();
    const [name, ...value] = admin.cookie.split('=');
    await browser.context.addCookies([{ name: name as string, value: value.join('='), url: srv.url }]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it(`loads at most ${budgetKb} KB (gzip) of JavaScript to show a list, none of it for charts, exports, designers or forms`, async () => {
    const scripts = new Set<string>();
    const page = browser.page;
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('.js') && path.startsWith('/assets/')) scripts.add(path.slice(1));
    });
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/device`);
    await page.locator('.ant-table-row').nth(1).waitFor();
    const kb = [...scripts].reduce((sum, f) => sum + gzipSync(readFileSync(join(distDir, f))).length, 0) / 1024;
    expect(scripts.size).toBeGreaterThan(3);
    expect(kb, [...scripts].sort().join(' ')).toBeLessThanOrEqual(budgetKb);
    const heavy = [...scripts].filter((f) => /echarts|exceljs|designer|workflow-editor|bpmn|record-page|dashboard/.test(f));
    expect(heavy).toEqual([]);
    // no validator or date-time library of the server's (ajv compiles schemas with new Function)
    const text = [...scripts].map((f) => readFileSync(join(distDir, f), 'utf8')).join('\n');
    expect(text).not.toMatch(/strictSchema|luxon|cron-parser/i);
  });
});
