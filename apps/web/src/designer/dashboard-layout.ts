import type { DashboardWidgetInput } from '@tangram/metadata';

// A dashboard's widgets on its 12-column grid: a widget moved or resized lands where it is put,
// and those it then overlaps are pushed down, until no two overlap (pure, for the editor's grid).

/** A widget's place on the grid: column `x` (0–11), row `y`, `w` columns wide (1–12), `h` rows high. */
export type Place = Pick<DashboardWidgetInput, 'x' | 'y' | 'w' | 'h'>;

export const gridColumns = 12;
/** The editor's grid: row height and gap in pixels (the runtime's rows are taller). */
export const editorGrid = { rowHeight: 48, gap: 8 } as const;

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(n)));

/** A place kept on the grid: at least one cell, no wider than the 12 columns from its x. */
export function clampPlace(p: Place): Place {
  const w = clamp(p.w, 1, gridColumns);
  return { x: clamp(p.x, 0, gridColumns - w), y: clamp(p.y, 0, Number.MAX_SAFE_INTEGER), w, h: clamp(p.h, 1, 100) };
}

export const overlaps = (a: Place, b: Place) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * The widgets with `id` put at `place` (kept on the grid) and every other it would overlap pushed
 * down below what it lands on, top to bottom; their order is kept.
 * @example placeWidget(widgets, 'w2', { x: 6, y: 0 }) // w2 beside w1; a widget in the way moves down
 */
export function placeWidget(widgets: DashboardWidgetInput[], id: string, place: Partial<Place>): DashboardWidgetInput[] {
  const moved = widgets.find((w) => w.id === id);
  if (!moved) return widgets;
  const placed: DashboardWidgetInput[] = [{ ...moved, ...clampPlace({ ...moved, ...place }) }];
  const others = widgets.filter((w) => w.id !== id).sort((a, b) => a.y - b.y || a.x - b.x);
  for (const w of others) {
    let next = w;
    for (let hit = placed.find((p) => overlaps(p, next)); hit; hit = placed.find((p) => overlaps(p, next))) next = { ...next, y: hit.y + hit.h };
    placed.push(next);
  }
  const byId = new Map(placed.map((w) => [w.id, w]));
  return widgets.map((w) => byId.get(w.id) ?? w);
}

/** The next free place for a widget: under the others, half the width. */
export function nextPlace(widgets: readonly Place[]): Place {
  return { x: 0, y: widgets.reduce((y, w) => Math.max(y, w.y + w.h), 0), w: 6, h: 5 };
}
