import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

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
  const page = context.pages()[0] ?? (await context.newPage());
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
