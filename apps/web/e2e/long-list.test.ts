import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, hangGuardMs, launchBrowser, reportFailures, shot } from './support/browser';
import { logEntry, seedLogEntries } from './support/long-list';
import { type RunningServer, startServer } from './support/server';
import { signIn, tableRows } from './support/ui';

const total = 100_000;
/** The first records go through the bulk API (and time it); the rest are one SQL statement writing the same. */
const viaApi = 1000;

/** The `seq` of each row the table has rendered, read from its title link 日志 N (virtual rows: only those near the viewport exist). */
const renderedSeqs = (page: Page) =>
  tableRows(page).evaluateAll((rows) => rows.map((r) => Number((r.querySelector('a')?.textContent ?? '').match(/^日志 (\d+)$/)?.[1])));

/** Waits for the rendered rows (a query over 100,000 rows on PGlite can take a while on a busy machine). */
const seqPoll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: hangGuardMs, interval: 50 });

interface Probe {
  /** The most `.ant-table-row` elements in the page at any animation frame so far. */
  maxRows: number;
  /** Gaps between animation frames over 50 ms while `counting` (a long frame: the page could not paint). */
  longFrames: number[];
  /** Long animation frames (> 50 ms) Chromium reported while `counting`. */
  loaf: number[];
  counting: boolean;
  /** Each `seq` the table's first row showed, in order (to see where a new page starts). */
  firsts: number[];
  /** When the last pointer-down or key-down happened (performance.now() time). */
  input: number;
}

/** Installed before the app loads: watches every animation frame and the user's input. */
function installProbe() {
  const probe: Probe = { maxRows: 0, longFrames: [], loaf: [], counting: false, firsts: [], input: 0 };
  (window as unknown as { probe: Probe }).probe = probe;
  let last = 0;
  const tick = (now: number) => {
    probe.maxRows = Math.max(probe.maxRows, document.querySelectorAll('.ant-table-row').length);
    const first = Number(document.querySelector('.ant-table-row a')?.textContent?.match(/^日志 (\d+)$/)?.[1]);
    if (first && first !== probe.firsts.at(-1)) probe.firsts.push(first);
    if (probe.counting && last && now - last > 50) probe.longFrames.push(Math.round(now - last));
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  for (const type of ['pointerdown', 'keydown']) addEventListener(type, (e) => (probe.input = e.timeStamp), true);
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame'))
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (probe.counting && e.duration > 50) probe.loaf.push(Math.round(e.duration));
    }).observe({ type: 'long-animation-frame' });
}

const probe = (page: Page) => page.evaluate(() => (window as unknown as { probe: Probe }).probe);

/**
 * Milliseconds from the user's click or key (`act`) until the table's first row is 日志 `seq`,
 * both taken in the page (the page's own clock, checked every animation frame).
 */
async function untilFirstRow(page: Page, act: () => Promise<void>, seq: number): Promise<number> {
  await act();
  const rendered = await page.waitForFunction(
    (s) => (document.querySelector('.ant-table-row a')?.textContent === `日志 ${s}` ? performance.now() : false),
    seq,
    { polling: 'raf', timeout: hangGuardMs },
  );
  return Math.round(((await rendered.jsonValue()) as number) - (await probe(page)).input);
}

// Issue 5's Done-when: "A list over 100,000 records scrolls and pages smoothly (server pagination, virtual rows)".
// Correctness is asserted; the timings are printed (speed targets belong in benches, not in tests).
describe.runIf(browserAvailable())('a list of 100,000 records (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'PATCH', url: string, payload?: unknown, headers?: Record<string, string>) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never, headers });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const seeded = await seedLogEntries(srv.server, admin, total, viaApi);
    console.log(
      `long list: ${viaApi} records through the bulk API in ${seeded.apiMs} ms (≈ ${Math.round((seeded.apiMs * total) / viaApi / 1000)} s for ${total}), ` +
        `${total - viaApi} in one SQL statement in ${seeded.sqlMs} ms`,
    );
    browser = await launchBrowser();
    await browser.page.addInitScript(installProbe);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('holds 100,000 records, those written in SQL read, change and show their history like those created through the API', async () => {
    const newest = (await api('GET', '/objects/log_entry/records?count=true&limit=2&sort=-seq')).json();
    expect(newest.total).toBe(total);
    expect(newest.records.map((r: { seq: number }) => r.seq)).toEqual([total, total - 1]);
    expect(newest.records[0]).toMatchObject({ ...logEntry(total), version: 1 });

    // The last record created through the API and the first one written in SQL, side by side.
    const pair = (await api('GET', `/objects/log_entry/records?limit=2&sort=seq&offset=${viaApi - 1}`)).json().records;
    const [fromApi, fromSql] = pair as Record<string, unknown>[];
    expect(fromApi).toMatchObject(logEntry(viaApi));
    expect(fromSql).toMatchObject(logEntry(viaApi + 1));
    expect(Object.keys(fromSql as object).sort()).toEqual(Object.keys(fromApi as object).sort());
    const system = ['owner_id', 'created_by', 'updated_by', 'version', 'deleted_at', 'deleted_by'];
    for (const key of system) expect([key, fromSql?.[key]]).toEqual([key, fromApi?.[key]]);
    expect(fromApi?.owner_id).toMatch(/^[0-9a-f-]{36}$/);
    const uuidv7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(fromApi?.id).toMatch(uuidv7);
    expect(fromSql?.id).toMatch(uuidv7);
    expect(String(fromSql?.id) > String(fromApi?.id)).toBe(true);
    expect(fromSql?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(fromSql?.updated_at).toBe(fromSql?.created_at);

    // The same history: one create entry by the admin with the same fields.
    const history = async (id: unknown) => (await api('GET', `/objects/log_entry/records/${id}/history`)).json().entries;
    const [apiHistory, sqlHistory] = [await history(fromApi?.id), await history(fromSql?.id)];
    expect(sqlHistory).toHaveLength(1);
    expect(sqlHistory[0]).toMatchObject({ version: 1, action: 'create', actor: fromApi?.owner_id, at: fromSql?.created_at });
    expect(Object.keys(sqlHistory[0])).toEqual(Object.keys(apiHistory[0]));
    const shape = (changes: Record<string, { before: unknown; after: unknown }>) =>
      Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, [v.before, typeof v.after]]));
    expect(shape(sqlHistory[0].changes)).toEqual(shape(apiHistory[0].changes));
    expect(sqlHistory[0].changes.logged_on.after).toBe(logEntry(viaApi + 1).logged_on);

    // And it changes like any other: version 2, a second history entry.
    const changed = await api('PATCH', `/objects/log_entry/records/${fromSql?.id}`, { level: 'info' }, { 'if-match': '1' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ level: 'info', version: 2 });
    expect(await history(fromSql?.id)).toHaveLength(2);
  });

  it('pages, jumps, sorts and scrolls through them with few rows in the page at a time', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/log_entry`);
    await tableRows(page).first().waitFor();
    await page.getByText('共 100,000 条').waitFor();
    await shot(page, 'long-list-00-first-page');

    // Sorted by 序号 ascending from its header.
    const activePage = () => page.locator('.ant-pagination-item-active').textContent();
    const header = page.getByRole('columnheader', { name: '序号' });
    const sortMs = await untilFirstRow(page, () => header.click(), 1);
    expect(await header.getAttribute('aria-sort')).toBe('ascending');

    // 500 a page: 200 pages, and the table holds only the rows near the viewport.
    await page.locator('.ant-pagination-options .ant-select').click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '500' }).click();
    await page.locator('.ant-pagination-item-200').waitFor();
    expect(await page.locator('.ant-pagination-item-201').count()).toBe(0);
    const firstPage = await renderedSeqs(page);
    expect(firstPage[0]).toBe(1);
    expect(firstPage.length).toBeGreaterThan(5);
    expect(firstPage.length).toBeLessThan(100);

    // Wheel through the 500 rows to the end of the page, counting long frames while it scrolls.
    const body = page.locator('.ant-table-tbody-virtual-holder');
    await body.hover();
    await page.evaluate(() => {
      (window as unknown as { probe: Probe }).probe.counting = true;
    });
    const scrollStart = await page.evaluate(() => performance.now());
    for (let i = 0; i < 100; i++) await page.mouse.wheel(0, 320);
    await seqPoll(async () => (await renderedSeqs(page)).includes(500)).toBe(true);
    const scrollMs = Math.round((await page.evaluate(() => performance.now())) - scrollStart);
    const scrolled = await page.evaluate(() => {
      const p = (window as unknown as { probe: Probe }).probe;
      p.counting = false;
      return { longFrames: p.longFrames, loaf: p.loaf };
    });
    const atEnd = await renderedSeqs(page);
    expect(atEnd.length).toBeLessThan(100);
    expect(Math.max(...atEnd)).toBe(500);
    expect(await body.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    await shot(page, 'long-list-01-scrolled');

    // Straight to the last page by typing its number into the quick jumper; its last row is 日志 100000.
    const jumper = page.locator('.ant-pagination-options-quick-jumper input');
    const jumpMs = await untilFirstRow(
      page,
      async () => {
        await jumper.fill('200');
        await jumper.press('Enter');
      },
      99_501,
    );
    expect(await activePage()).toBe('200');
    // The page shows from its first row as soon as its rows arrive (never from where page 1 was scrolled to).
    const firsts = (await probe(page)).firsts;
    expect(firsts.at(-1)).toBe(99_501);
    expect(firsts.at(-2)).toBeLessThanOrEqual(500);
    await body.hover();
    await seqPoll(async () => {
      await page.mouse.wheel(0, 5000);
      return (await renderedSeqs(page)).at(-1);
    }).toBe(total);
    expect((await renderedSeqs(page)).length).toBeLessThan(100);
    await shot(page, 'long-list-02-last-page');

    // The next page button, from the first page.
    await page.locator('.ant-pagination-item-1').click();
    await seqPoll(async () => (await renderedSeqs(page))[0]).toBe(1);
    const nextMs = await untilFirstRow(page, () => page.locator('.ant-pagination-next').click(), 501);
    expect(await activePage()).toBe('2');

    // Descending from the header: the newest first, back on page 1.
    const descMs = await untilFirstRow(page, () => header.click(), total);
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await activePage()).toBe('1');
    expect((await renderedSeqs(page)).slice(0, 3)).toEqual([total, total - 1, total - 2]);
    await shot(page, 'long-list-03-descending');

    // Virtual rows all along: never more than a screenful of rows in the page, on 500-row pages too.
    const { maxRows } = await probe(page);
    expect(maxRows).toBeGreaterThan(5);
    expect(maxRows).toBeLessThan(100);
    console.log(
      `long list (100,000 rows, PGlite, headless Chromium): sort ${sortMs} ms, jump to page 200 ${jumpMs} ms, next page ${nextMs} ms, ` +
        `sort descending ${descMs} ms; wheel through 500 rows ${scrollMs} ms with ${scrolled.longFrames.length} frame gaps > 50 ms ${JSON.stringify(scrolled.longFrames)} ` +
        `and ${scrolled.loaf.length} long animation frames ${JSON.stringify(scrolled.loaf)}; at most ${maxRows} rows in the page`,
    );
  });
});
