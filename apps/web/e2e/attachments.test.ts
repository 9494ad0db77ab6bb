import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, signIn } from './support/ui';

// The attachment widget against the real file routes: upload, refuse, save, download, remove.
describe.runIf(browserAvailable())('attachments (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      metadata: {
        objects: [
          {
            name: 'contract',
            label: { 'zh-CN': '合同', en: 'Contract' },
            fields: [
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题', en: 'Title' } },
              { name: 'scans', type: 'attachment', label: { 'zh-CN': '扫描件', en: 'Scans' }, options: { maxFiles: 2, accept: ['.pdf', '.txt'] } },
            ],
          },
        ],
        menu: [{ id: 'contracts', object: 'contract', label: { 'zh-CN': '合同', en: 'Contract' } }],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('uploads a file with a Chinese name, refuses a wrong type, saves and downloads it', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('menuitem', { name: /(^|\s)合同$/ }).click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建合同' }).waitFor();
    await page.getByLabel('标题').fill('采购合同');
    const scans = fieldItem(page, 'scans');
    await scans.getByRole('button', { name: '上传文件到「扫描件」' }).waitFor();
    const input = scans.locator('input[type=file]');
    // The answer to the upload is held back a moment, so the upload shows as under way.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/files', async (route) => {
      await held;
      await route.continue();
    });
    await input.setInputFiles({ name: '采购合同扫描件.txt', mimeType: 'text/plain', buffer: Buffer.from('合同正文') });
    await scans.getByRole('progressbar').waitFor();
    await shot(page, 'attachments-01-uploading');
    release();
    await scans.getByRole('link', { name: /采购合同扫描件\.txt/ }).waitFor();
    await expect.poll(() => scans.getByRole('progressbar').count()).toBe(0);
    await page.unroute('**/files');
    await input.setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await scans.getByRole('alert').filter({ hasText: 'setup.exe：只接受 .pdf, .txt' }).waitFor();
    await shot(page, 'attachments-02-uploaded');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();

    const link = page.getByRole('link', { name: '下载 采购合同扫描件.txt' }).first();
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^/api/v1/t/${srv.server.tenant}/files/[0-9a-f-]{36}$`));
    // The browser's own session downloads it (the same cookie the page uses).
    const res = await page.request.get(`${srv.url}${href}`);
    expect(res.status()).toBe(200);
    expect(await res.text()).toBe('合同正文');
    expect(res.headers()['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('采购合同扫描件.txt')}`);
    await shot(page, 'attachments-03-saved');

    const id = page.url().split('/r/')[1] as string;
    const saved = (await api('GET', `/objects/contract/records/${id}`)).json();
    expect(saved.scans).toEqual([expect.objectContaining({ name: '采购合同扫描件.txt', size: Buffer.byteLength('合同正文'), url: href })]);
  });

  it('removes an attached file', async () => {
    const { page } = browser;
    const id = page.url().split('/r/')[1] as string;
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    const scans = fieldItem(page, 'scans');
    await scans.getByRole('link', { name: /采购合同扫描件\.txt/ }).waitFor();
    await scans.getByRole('button', { name: '移除 采购合同扫描件.txt' }).click();
    await expect.poll(() => scans.getByRole('link').count()).toBe(0);
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();
    await expect.poll(async () => (await api('GET', `/objects/contract/records/${id}`)).json().scans ?? null).toBeNull();
  });
});
