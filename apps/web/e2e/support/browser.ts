import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterEach } from 'vitest';

export const chromiumPath = process.env.TANGRAM_CHROMIUM ?? '/usr/bin/chromium';
const required = process.env.CI === 'true' || process.env.TANGRAM_REQUIRE_BROWSER === '1';

/**
 * Whether browser tests can run here. Without Chromium they are skipped with a message, unless
 * CI=true or TANGRAM_REQUIRE_BROWSER=1, where a missing browser is an error, never a silent skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  const hint = `Chromium not found at ${chromiumPath}: install it with \`apt-get update && apt-get install -y chromium\` (or set TANGRAM_CHROMIUM)`;
  if (required) throw new Error(`${hint}. Browser tests are required here (CI=true or TANGRAM_REQUIRE_BROWSER=1).`);
  console.warn(`skipping browser tests — ${hint}`);
  return false;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** How long any wait in the browser may take before the step is reported as hung (not a speed budget). */
export const hangGuardMs = 180_000;

/** Debian's Chromium, headless, with a fresh profile. */
export async function launchBrowser(viewport = { width: 1366, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'tangram-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport,
    locale: 'zh-CN',
  });
  // Playwright's 30 s default is a budget: on a loaded CI machine a page can stall longer than
  // that and still be right. Here, as in vitest.config.ts, waits are hang guards only.
  context.setDefaultTimeout(hangGuardMs);
  context.setDefaultNavigationTimeout(hangGuardMs);
  const page = context.pages()[0] ?? (await context.newPage());
  // Errors in the page are printed as they happen, so a failed step in CI's log says what the app saw.
  page.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`));
  page.on('console', (m) => {
    // Refused requests are part of what the tests do; the browser logs each one, which says nothing here.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.error(`[browser] console error: ${m.text()}`);
  });
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const artifactsDir = resolve(import.meta.dirname, '../artifacts');

/** Saves a screenshot of the step as a test artifact: e2e/artifacts/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
}

/**
 * After a failed test: a screenshot (e2e/artifacts/FAILED-<test>.png) and, in the log, the page's
 * address and its accessibility tree, so a step that failed only in CI can be understood from CI's output.
 */
export function reportFailures(get: () => Page | undefined): void {
  afterEach(async (ctx) => {
    const page = get();
    if (ctx.task.result?.state !== 'fail' || !page || page.isClosed()) return;
    const name = ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
    await shot(page, `FAILED-${name}`).catch(() => undefined);
    const tree = await page
      .locator('body')
      .ariaSnapshot({ timeout: 5_000 })
      .catch((e: Error) => `(no snapshot: ${e.message})`);
    console.error(`[browser] "${ctx.task.name}" failed at ${page.url()}; the page then:\n${tree.slice(0, 6_000)}`);
  });
}
