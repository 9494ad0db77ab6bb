import type { Locator, Page } from 'playwright-core';

/** Signs in through the sign-in page. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  // The start page either asks for credentials or, if a session survived, shows the app: say which.
  const form = page.getByLabel('邮箱');
  await form.or(page.getByTestId('user-menu')).first().waitFor();
  if (!(await form.isVisible()))
    throw new Error(`signIn(${email}): ${page.url()} shows a signed-in app, not the sign-in form — the previous session did not end`);
  await form.fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('user-menu').waitFor();
}

/** The form item of a field (record forms mark each with data-field). */
export const fieldItem = (page: Page, name: string): Locator => page.locator(`[data-field="${name}"]`);

const antSelect = 'contains(concat(" ", normalize-space(@class), " "), " ant-select ")';

/** Picks an option in an antd Select found by its label (on the select, its input, or a group around it). */
export async function pickOption(page: Page, scope: Locator | Page, label: string | RegExp, option: string): Promise<void> {
  // Click the whole select (a chosen value is drawn over its search input), waiting as any click does.
  const select = scope
    .getByLabel(label, { exact: typeof label === 'string' })
    .first()
    .locator(`xpath=(ancestor-or-self::div[${antSelect}] | descendant::div[${antSelect}])[1]`);
  await select.click();
  // The options of this select's own dropdown (its combobox controls the dropdown's listbox): a
  // dropdown another select left open or still closing (a multiple select stays open after a
  // pick) may hold an option of the same name, moving as it closes.
  const list = await select.locator('[role="combobox"]').first().getAttribute('aria-controls');
  const dropdown = list
    ? page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').filter({ has: page.locator(`[id="${list}"]`) })
    : page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await dropdown.locator('.ant-select-item-option').filter({ hasText: option }).first().click();
}

/** Rows of the list table (virtual rows included once rendered). */
export const tableRows = (page: Page): Locator => page.locator('.ant-table-row');
