import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's rules about names: every input, select, button, link and toggle has one a screen reader can say. */
const namingRules = [
  'label',
  'select-name',
  'button-name',
  'input-button-name',
  'link-name',
  'image-alt',
  'aria-input-field-name',
  'aria-toggle-field-name',
  'aria-command-name',
  'aria-progressbar-name',
];

/** Runs axe-core's naming rules on the page as it is now; returns what fails, with each node's HTML. */
export async function auditNames(page: Page): Promise<{ rule: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol: the app's CSP (no inline scripts) refuses a <script> tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async (rules) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: { html: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'rule', values: rules } });
    return result.violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.html.slice(0, 160)) }));
  }, namingRules);
}
