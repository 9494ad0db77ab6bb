import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { signIn } from './support/ui';

interface FieldDoc {
  name: string;
  type: string;
  label: Record<string, string>;
}

/** Writes the `notes` package at `version` into the server's templates folder. */
function writeNotes(dir: string, version: string, fields: FieldDoc[]) {
  const root = join(dir, 'notes');
  mkdirSync(join(root, 'objects'), { recursive: true });
  writeFileSync(
    join(root, 'manifest.json'),
    JSON.stringify({ name: 'notes', version, label: { 'zh-CN': '便签', en: 'Notes' }, description: { 'zh-CN': '随手记', en: 'Quick notes' } }),
  );
  writeFileSync(join(root, 'objects', 'note.json'), JSON.stringify({ name: 'note', label: { 'zh-CN': '便签', en: 'Note' }, fields }));
}

const title = (label: string): FieldDoc => ({ name: 'title', type: 'text', label: { 'zh-CN': label, en: 'Title' } });
const body: FieldDoc = { name: 'body', type: 'textarea', label: { 'zh-CN': '内容', en: 'Body' } };

// Issue 6: upgrading from the app market keeps a customisation, brings the new version's fields,
// and lets the implementer decide a real conflict.
describe.runIf(browserAvailable())('upgrading a template from the app market (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const dir = mkdtempSync(join(tmpdir(), 'tangram-templates-'));
  const previous = process.env.TANGRAM_TEMPLATES_DIR;
  const api = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const noteFields = async () => (await api('GET', '/metadata')).json().metadata.objects.find((o: { name: string }) => o.name === 'note').fields as FieldDoc[];

  beforeAll(async () => {
    writeNotes(dir, '1.0.0', [title('标题'), body]);
    process.env.TANGRAM_TEMPLATES_DIR = dir;
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    if (previous === undefined) delete process.env.TANGRAM_TEMPLATES_DIR;
    else process.env.TANGRAM_TEMPLATES_DIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs 1.0, keeps a changed label through 1.1, and asks about the one real conflict', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/market`);
    const card = page.getByTestId('package-notes');
    await card.getByRole('button', { name: '安装 便签' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /安\s*装/ })
      .click();
    await page.getByTestId('install-done').waitFor();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /关\s*闭/ })
      .click();
    await card.getByText('已安装 1.0.0').waitFor();

    // The tenant renames two labels; 1.1 renames one of them too (a conflict) and adds a field.
    const draft = (await api('GET', '/metadata/draft')).json();
    const note = draft.metadata.objects.find((o: { name: string }) => o.name === 'note');
    note.fields.find((f: FieldDoc) => f.name === 'title').label = { 'zh-CN': '我的标题', en: 'Title' };
    note.fields.find((f: FieldDoc) => f.name === 'body').label = { 'zh-CN': '详细内容', en: 'Body' };
    expect((await api('PUT', '/metadata/draft', { metadata: draft.metadata, baseRevision: draft.baseRevision })).statusCode).toBe(200);
    expect((await api('POST', '/metadata/publish', { message: '改标签' })).statusCode).toBe(201);
    writeNotes(dir, '1.1.0', [title('主题'), body, { name: 'pinned', type: 'boolean', label: { 'zh-CN': '置顶', en: 'Pinned' } }]);

    await page.reload();
    await card.getByText('可升级 1.0.0 → 1.1.0').waitFor();
    await card.getByRole('button', { name: '升级 便签' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('从 1.0.0 升级到 1.1.0').waitFor();
    await dialog.getByRole('button', { name: /升\s*级/ }).click();

    const conflicts = dialog.getByTestId('template-conflicts');
    await conflicts.waitFor();
    const rows = await conflicts.locator('.ant-table-row').allInnerTexts();
    expect(rows).toHaveLength(1);
    // Where, in words (the raw path is in a tooltip), then the template before, yours, the new template.
    expect(rows[0]).toMatch(/对象「便签」 › 字段「我的标题」 › 名称（zh-CN）\s+标题\s+我的标题\s+主题/);
    await shot(page, 'market-upgrade-01-conflict');
    // Nothing changed while the question is open.
    expect((await api('GET', '/templates')).json().installed).toMatchObject([{ name: 'notes', version: '1.0.0' }]);

    await dialog.getByRole('button', { name: '保留我的修改' }).click();
    await dialog.getByTestId('install-done').getByText('已安装：notes 1.1.0').waitFor();
    await shot(page, 'market-upgrade-02-done');
    const fields = await noteFields();
    expect(fields.map((f) => [f.name, f.label['zh-CN']])).toEqual([
      ['title', '我的标题'],
      ['body', '详细内容'],
      ['pinned', '置顶'],
    ]);
    expect((await api('GET', '/templates')).json().installed).toMatchObject([{ name: 'notes', version: '1.1.0' }]);
  });
});
