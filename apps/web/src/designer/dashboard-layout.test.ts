import type { DashboardWidgetInput } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { clampPlace, nextPlace, overlaps, placeWidget } from './dashboard-layout';

const widget = (id: string, x: number, y: number, w: number, h: number): DashboardWidgetInput => ({ id, report: id, x, y, w, h });
const places = (ws: DashboardWidgetInput[]) => Object.fromEntries(ws.map((w) => [w.id, [w.x, w.y, w.w, w.h]]));
const noOverlap = (ws: DashboardWidgetInput[]) => ws.every((a) => ws.every((b) => a === b || !overlaps(a, b)));

describe('placeWidget', () => {
  const layout = [widget('a', 0, 0, 6, 5), widget('b', 0, 5, 6, 5), widget('c', 6, 0, 6, 3)];

  it('moves a widget to a free place and leaves the others where they are', () => {
    expect(places(placeWidget(layout, 'b', { x: 6, y: 3 }))).toEqual({ a: [0, 0, 6, 5], b: [6, 3, 6, 5], c: [6, 0, 6, 3] });
  });

  it('pushes down every widget a moved one lands on, just below it', () => {
    const moved = placeWidget(layout, 'b', { x: 3, y: 0 });
    expect(places(moved)).toEqual({ a: [0, 5, 6, 5], b: [3, 0, 6, 5], c: [6, 5, 6, 3] });
    expect(noOverlap(moved)).toBe(true);
  });

  it('pushes down the widgets a pushed one lands on', () => {
    const moved = placeWidget(layout, 'c', { x: 0, y: 0 });
    expect(places(moved)).toEqual({ a: [0, 3, 6, 5], b: [0, 8, 6, 5], c: [0, 0, 6, 3] });
  });

  it('pushes down what a widget grows over', () => {
    const grown = placeWidget(layout, 'a', { w: 8, h: 4 });
    expect(places(grown)).toEqual({ a: [0, 0, 8, 4], b: [0, 5, 6, 5], c: [6, 4, 6, 3] });
    expect(noOverlap(grown)).toBe(true);
  });

  it('keeps a widget on the 12 columns', () => {
    expect(places(placeWidget(layout, 'c', { x: 9, w: 6 }))).toMatchObject({ c: [6, 0, 6, 3] });
    expect(clampPlace({ x: -2, y: -1, w: 20, h: 0 })).toEqual({ x: 0, y: 0, w: 12, h: 1 });
  });

  it('keeps the widgets in their order', () => {
    expect(placeWidget(layout, 'b', { y: 0, x: 0 }).map((w) => w.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('nextPlace', () => {
  it('puts a new widget under the others', () => {
    expect(nextPlace([widget('a', 0, 0, 6, 5), widget('c', 6, 0, 6, 7)])).toEqual({ x: 0, y: 7, w: 6, h: 5 });
  });
});
