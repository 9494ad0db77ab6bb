import type { MenuItemInput } from '@tangram/metadata';

/** Where an entry goes: into `parent` (undefined: the top level), before the entry `before` (undefined: at the end). */
export interface MenuPlace {
  parent?: string;
  before?: string;
}

export type MenuKind = 'group' | 'object' | 'url';

export const menuKind = (m: MenuItemInput): MenuKind => (m.children ? 'group' : m.url !== undefined ? 'url' : 'object');

/** Every entry, depth first. */
export const flatMenu = (items: MenuItemInput[]): MenuItemInput[] => items.flatMap((m) => [m, ...flatMenu(m.children ?? [])]);

export function findMenuItem(items: MenuItemInput[], id: string): MenuItemInput | undefined {
  return flatMenu(items).find((m) => m.id === id);
}

/** The entry's parent id (undefined at the top level) and index among its siblings. */
export function placeOf(items: MenuItemInput[], id: string, parent?: string): { parent?: string; index: number } | undefined {
  const i = items.findIndex((m) => m.id === id);
  if (i >= 0) return { parent, index: i };
  for (const m of items) {
    const found = m.children && placeOf(m.children, id, m.id);
    if (found) return found;
  }
  return undefined;
}

const siblingsOf = (items: MenuItemInput[], parent?: string): MenuItemInput[] | undefined =>
  parent === undefined ? items : findMenuItem(items, parent)?.children;

/** The tree with the entry taken out (and the entry, if it was there). */
export function removeMenuItem(items: MenuItemInput[], id: string): { items: MenuItemInput[]; removed?: MenuItemInput } {
  let removed: MenuItemInput | undefined;
  const walk = (list: MenuItemInput[]): MenuItemInput[] =>
    list.flatMap((m) => {
      if (m.id === id) {
        removed = m;
        return [];
      }
      return m.children ? [{ ...m, children: walk(m.children) }] : [m];
    });
  const next = walk(items);
  return { items: next, removed };
}

/** The tree with `item` inserted at `place`; an unknown parent or `before` puts it at the end of the top level / the parent. */
export function insertMenuItem(items: MenuItemInput[], item: MenuItemInput, place: MenuPlace): MenuItemInput[] {
  const into = (list: MenuItemInput[]): MenuItemInput[] => {
    const i = place.before === undefined ? -1 : list.findIndex((m) => m.id === place.before);
    return i < 0 ? [...list, item] : [...list.slice(0, i), item, ...list.slice(i)];
  };
  if (place.parent === undefined || !siblingsOf(items, place.parent)) return into(items);
  const walk = (list: MenuItemInput[]): MenuItemInput[] =>
    list.map((m) => (m.id === place.parent ? { ...m, children: into(m.children ?? []) } : m.children ? { ...m, children: walk(m.children) } : m));
  return walk(items);
}

/**
 * Moves an entry to a new place. Refuses (returns the tree unchanged) a move of a group into
 * itself or one of its own groups, and a move before itself.
 */
export function moveMenuItem(items: MenuItemInput[], id: string, place: MenuPlace): MenuItemInput[] {
  if (place.before === id) return items;
  const moving = findMenuItem(items, id);
  if (!moving) return items;
  const inside = new Set(flatMenu([moving]).map((m) => m.id));
  if (place.parent !== undefined && inside.has(place.parent)) return items;
  const { items: without } = removeMenuItem(items, id);
  return insertMenuItem(without, moving, place);
}

/** Moves an entry one step up or down among its siblings. */
export function shiftMenuItem(items: MenuItemInput[], id: string, by: -1 | 1): MenuItemInput[] {
  const at = placeOf(items, id);
  const siblings = at && siblingsOf(items, at.parent);
  if (!at || !siblings) return items;
  const to = at.index + by;
  if (to < 0 || to >= siblings.length) return items;
  const before = by < 0 ? siblings[to]?.id : siblings[to + 1]?.id;
  return moveMenuItem(items, id, { parent: at.parent, before });
}

/** Replaces one entry (found by its id) with `next`. */
export function updateMenuItem(items: MenuItemInput[], id: string, next: MenuItemInput): MenuItemInput[] {
  return items.map((m) => (m.id === id ? next : m.children ? { ...m, children: updateMenuItem(m.children, id, next) } : m));
}

/** A menu id not used yet (ids are names: a-z, 0-9, _). */
export function freeMenuId(items: MenuItemInput[], base: string): string {
  const taken = new Set(flatMenu(items).map((m) => m.id));
  const stem =
    base
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/^[^a-z]+/, '') || 'menu';
  if (!taken.has(stem)) return stem;
  let n = 2;
  while (taken.has(`${stem}_${n}`)) n++;
  return `${stem}_${n}`;
}

/** Entries (at any depth) that open a view: removed with the view so the menu stays valid. */
export function withoutView(items: MenuItemInput[], object: string, view: string): MenuItemInput[] {
  return items.flatMap((m) => {
    if (m.object === object && m.view === view) return [];
    return m.children ? [{ ...m, children: withoutView(m.children, object, view) }] : [m];
  });
}
