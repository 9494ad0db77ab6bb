import type { Locator, Page } from 'playwright-core';

/** Signs in through the sign-in page. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByTestId('user-menu').waitFor();
}

/** The form item of a field (record forms mark each with data-field). */
export const fieldItem = (page: Page, name: string): Locator => page.locator(`[data-field="${name}"]`);

/** Picks an option in an antd Select found by its label. */
export async function pickOption(page: Page, scope: Locator | Page, label: string | RegExp, option: string): Promise<void> {
  await scope
    .getByLabel(label, { exact: typeof label === 'string' })
    .first()
    .click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click();
}

/** Rows of the list table (virtual rows included once rendered). */
export const tableRows = (page: Page): Locator => page.locator('.ant-table-row');
