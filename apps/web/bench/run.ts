// pnpm bench:web — the web app's size and speed, written to bench/results/web.json:
//   initial_js_gzip_kb   gzip size of every JavaScript file the browser loads for the first page
//                        (a record list), taken from the production build;
//   first_list_render_ms median time from navigation start to a rendered list of 50 rows, in
//                        headless Chromium against the server on PGlite (5 cold page loads);
//   list_100k_page_ms    median time from pressing Enter in the quick jumper to the first row of
//                        that page rendered, in a list of 100,000 records (50 a page, 5 jumps).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../e2e/support/browser';
import { seedLogEntries } from '../e2e/support/long-list';
import { distDir, startServer, webRoot } from '../e2e/support/server';

const runs = 5;
const rows = 50;
const out = resolve(webRoot, '../../bench/results/web.json');

function build(): void {
  const status = spawnSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { cwd: webRoot, stdio: 'inherit' }).status;
  if (status !== 0) throw new Error('vite build failed');
}

const gzipKb = (files: Iterable<string>) => [...files].reduce((sum, f) => sum + gzipSync(readFileSync(join(distDir, f))).length, 0) / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  build();
  const srv = await startServer();
  const browser = await launchBrowser({ width: 1366, height: 3600 });
  try {
    const { server } = srv;
    const admin = await server.login(server.admin.email, server.admin.password);
    const as = (method: 'POST', url: string, payload: unknown) =>
      server.as(admin, { method, url: `/api/v1/t/${server.tenant}${url}`, payload: payload as never });
    const published = await as('POST', '/metadata/publish', {
      metadata: {
        objects: [
          {
            name: 'device',
            label: { 'zh-CN': '设备', en: 'Device' },
            fields: [
              { name: 'name', type: 'text', required: true },
              { name: 'status', type: 'select', options: { options: [{ key: 'ok' }, { key: 'repair' }] } },
              { name: 'quantity', type: 'integer' },
              { name: 'price', type: 'currency' },
              { name: 'purchased_on', type: 'date' },
            ],
          },
        ],
      },
    });
    if (published.statusCode !== 201) throw new Error(`publish: ${published.body}`);
    const create = Array.from({ length: 500 }, (_, i) => ({
      name: `设备 ${String(i).padStart(4, '0')}`,
      status: i % 3 ? 'ok' : 'repair',
      quantity: i,
      price: i * 10.5,
      purchased_on: '2026-01-15',
    }));
    const seeded = await as('POST', '/objects/device/records/bulk', { create });
    if (seeded.statusCode !== 200) throw new Error(`seed: ${seeded.body}`);

    const cookie = admin.cookie.split('=');
    await browser.context.addCookies([{ name: cookie[0] as string, value: cookie.slice(1).join('='), url: srv.url }]);
    const scripts = new Set<string>();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.context.newPage();
      await page.route('**/*', (route) => route.continue({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } }));
      page.on('response', (r) => {
        const path = new URL(r.url()).pathname;
        if (path.endsWith('.js') && path.startsWith('/assets/')) scripts.add(path.slice(1));
      });
      await page.goto(`${srv.url}/t/${server.tenant}/o/device`, { waitUntil: 'commit' });
      const handle = await page.waitForFunction((n) => (document.querySelectorAll('.ant-table-row').length >= n ? performance.now() : false), rows, {
        polling: 'raf',
        timeout: 60_000,
      });
      times.push(Math.round((await handle.jsonValue()) as number));
      await page.close();
    }
    // Page changes in a list of 100,000 records.
    const longTotal = 100_000;
    await seedLogEntries(server, admin, longTotal);
    const page = await browser.context.newPage();
    await page.goto(`${srv.url}/t/${server.tenant}/o/log_entry`);
    await page.locator('.ant-table-row').first().waitFor({ timeout: 60_000 });
    const jumper = page.locator('.ant-pagination-options-quick-jumper input');
    const pageTimes: number[] = [];
    for (const n of [2000, 1000, 1500, 500, 1999]) {
      // Newest first: page n starts with 日志 (100000 − 50·(n − 1)).
      const first = `日志 ${longTotal - 50 * (n - 1)}`;
      await jumper.fill(String(n));
      await page.evaluate(() => {
        const w = window as unknown as { keyAt: number };
        addEventListener('keydown', (e) => (w.keyAt = e.timeStamp), { once: true, capture: true });
      });
      await jumper.press('Enter');
      const shown = await page.waitForFunction(
        (text) => (document.querySelector('.ant-table-row a')?.textContent === text ? performance.now() : false),
        first,
        { polling: 'raf', timeout: 30_000 },
      );
      const keyAt = await page.evaluate(() => (window as unknown as { keyAt: number }).keyAt);
      pageTimes.push(Math.round(((await shown.jsonValue()) as number) - keyAt));
    }
    await page.close();
    const result = {
      measured_at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, browser: 'Debian chromium (headless)' },
      initial_js_gzip_kb: Math.round(gzipKb(scripts) * 10) / 10,
      first_list_render_ms: median(times),
      first_list_render_runs_ms: times,
      list_100k_page_ms: median(pageTimes),
      list_100k_page_runs_ms: pageTimes,
      initial_js_files: [...scripts].sort(),
    };
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      JSON.stringify({
        initial_js_gzip_kb: result.initial_js_gzip_kb,
        first_list_render_ms: result.first_list_render_ms,
        runs: times,
        list_100k_page_ms: result.list_100k_page_ms,
        page_runs: pageTimes,
      }),
    );
  } finally {
    await browser.close();
    await srv.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
