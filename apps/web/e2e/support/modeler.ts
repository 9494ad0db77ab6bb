import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { hangGuardMs } from './browser';

// Drawing in the process modeler (设计器 → 流程) with the mouse, as a business user does: drops from
// the palette, connections with the context pad's tool, clicks on elements until the side panel
// shows them. bpmn-js swallows some clicks (its click trap after a drag) and the browser may start
// a text selection instead of a drag under load, so each step checks that it took and repeats.

/** expect.poll with the hang guard as its limit (its own default, 1 s, is a budget a loaded machine misses). */
export const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: hangGuardMs, interval: 100 });

/** A diagram element (shape or connection) by its id. */
export const shape = (page: Page, id: string): Locator => page.locator(`.djs-element[data-element-id="${id}"]`);

export async function center(l: Locator): Promise<{ x: number; y: number }> {
  const b = await l.boundingBox();
  if (!b) throw new Error('no box');
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Screen point of a diagram point, from the two events a new diagram has (start at x 170, end at x 670, both at y 200). */
export async function diagramToScreen(page: Page): Promise<(x: number, y: number) => { x: number; y: number }> {
  // Screen points hold at the page's top: every gesture scrolls there first (unscrolled).
  await unscrolled(page);
  const [s, e] = [await center(shape(page, 'StartEvent_1')), await center(shape(page, 'EndEvent_1'))];
  const scale = (e.x - s.x) / 500;
  return (x, y) => ({ x: s.x + (x - 170) * scale, y: s.y + (y - 200) * scale });
}

/**
 * Scrolls the page to its top. A point computed before a scroll (something came into view, a panel
 * grew) lands elsewhere after it: a drop then moved a shape onto another, and no later click
 * could connect them (seen under load).
 */
export async function unscrolled(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    for (const el of document.querySelectorAll('*')) if (el.scrollTop) el.scrollTop = 0;
  });
}

/** Drags with the mouse (down, moves, up) from an element to a screen point (at the page's top). */
export async function drag(page: Page, from: Locator, to: { x: number; y: number }): Promise<void> {
  await unscrolled(page);
  const a = await center(from);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 12, a.y + 12, { steps: 3 });
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

export const elementIds = (page: Page, selector: string): Promise<string[]> =>
  page.locator(selector).evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id') ?? ''));

/** Leaves a label being typed (a new task or flow opens one) and selects nothing, so no context pad covers a shape. */
export async function deselect(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByTestId('bpmn-canvas').scrollIntoViewIfNeeded();
  const box = await page.getByTestId('bpmn-canvas').boundingBox();
  if (!box) throw new Error('no canvas');
  // The click right after a drag may be swallowed by bpmn-js (its click trap): click until nothing is selected.
  await poll(async () => {
    await page.mouse.click(box.x + box.width - 40, box.y + box.height - 80);
    return page.getByTestId('process-panel').isVisible();
  }).toBe(true);
}

/** Clicks a diagram element (a flow: the middle of its straight line) until the side panel shows it. */
export async function pickOnCanvas(page: Page, id: string, panel: string): Promise<void> {
  await poll(async () => {
    // The side panel's controls may have scrolled the page: the canvas first, then its element's place on screen.
    await page.getByTestId('bpmn-canvas').scrollIntoViewIfNeeded();
    const at = await center(shape(page, id));
    await page.mouse.click(at.x, at.y);
    return (await page.getByTestId('side-panel').getByText(id).count()) > 0 && (await page.getByTestId(panel).isVisible());
  }).toBe(true);
}

/** Drops a palette entry at a screen point; returns the new shape's id. */
export async function dropFromPalette(page: Page, action: string, at: { x: number; y: number }): Promise<string> {
  const before = new Set(await elementIds(page, '.djs-shape'));
  const entry = page.locator(`.djs-palette [data-action="${action}"]`);
  let added: string[] = [];
  // bpmn-js adds the shape on the mouse-up; a drag the browser did not start as one (it selected text
  // instead, seen under load) added nothing and is dragged again.
  await poll(async () => {
    await page.evaluate(() => window.getSelection()?.removeAllRanges());
    await drag(page, entry, at);
    added = (await elementIds(page, '.djs-shape')).filter((id) => !before.has(id) && !id.endsWith('_label'));
    return added.length;
  }).toBe(1);
  await deselect(page);
  return added[0] as string;
}

/** Connects two shapes with the context pad's connect tool (clicked, then the target clicked); returns the new flow's id. */
export async function connect(page: Page, from: string, to: string): Promise<string> {
  const before = new Set(await elementIds(page, '.djs-connection'));
  const added = async () => (await elementIds(page, '.djs-connection')).filter((id) => !before.has(id));
  // A gesture made before the tool has taken over the mouse (seen on a busy machine, and with
  // Chromium 156) selects the target instead and adds nothing: it is made again, until a flow is
  // added (clicks only, so a gesture that missed moves nothing).
  await poll(async () => {
    if ((await added()).length) return 1;
    await deselect(page);
    await unscrolled(page);
    await shape(page, from).click();
    const tool = await center(page.locator('.djs-context-pad.open [data-action="connect"]'));
    await page.mouse.click(tool.x, tool.y);
    const target = await center(shape(page, to));
    await page.mouse.move(tool.x + 15, tool.y + 15, { steps: 3 });
    await page.mouse.move(target.x, target.y, { steps: 12 });
    await page.mouse.down();
    await page.mouse.up();
    for (let i = 0; i < 20 && !(await added()).length; i++) await new Promise((r) => setTimeout(r, 100));
    return (await added()).length;
  }).toBe(1);
  const [flow] = await added();
  await deselect(page);
  return flow as string;
}
