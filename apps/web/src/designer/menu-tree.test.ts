import type { MenuItemInput } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { freeMenuId, insertMenuItem, moveMenuItem, placeOf, removeMenuItem, shiftMenuItem, updateMenuItem, withoutView } from './menu-tree';

const menu = (): MenuItemInput[] => [
  {
    id: 'sales',
    label: '销售',
    children: [
      { id: 'accounts', object: 'account' },
      { id: 'deals', object: 'opportunity', view: 'board' },
    ],
  },
  { id: 'tickets', object: 'ticket' },
  { id: 'help', url: 'https://example.com' },
];
/** The tree as ids: groups as `id[children]`. */
const shape = (items: MenuItemInput[]): string => items.map((m) => (m.children ? `${m.id}[${shape(m.children)}]` : m.id)).join(' ');

describe('menu tree', () => {
  it('moves an entry into a group, before another entry, and out to the top level', () => {
    let m = moveMenuItem(menu(), 'tickets', { parent: 'sales', before: 'deals' });
    expect(shape(m)).toBe('sales[accounts tickets deals] help');
    m = moveMenuItem(m, 'accounts', {});
    expect(shape(m)).toBe('sales[tickets deals] help accounts');
    m = moveMenuItem(m, 'help', { before: 'sales' });
    expect(shape(m)).toBe('help sales[tickets deals] accounts');
  });

  it('refuses to put a group inside itself or before itself', () => {
    const nested = insertMenuItem(menu(), { id: 'inner', children: [] }, { parent: 'sales' });
    expect(shape(moveMenuItem(nested, 'sales', { parent: 'inner' }))).toBe(shape(nested));
    expect(shape(moveMenuItem(nested, 'sales', { parent: 'sales' }))).toBe(shape(nested));
    expect(shape(moveMenuItem(nested, 'tickets', { before: 'tickets' }))).toBe(shape(nested));
  });

  it('shifts an entry up and down among its siblings only', () => {
    expect(shape(shiftMenuItem(menu(), 'deals', -1))).toBe('sales[deals accounts] tickets help');
    expect(shape(shiftMenuItem(menu(), 'accounts', -1))).toBe(shape(menu()));
    expect(shape(shiftMenuItem(menu(), 'tickets', 1))).toBe('sales[accounts deals] help tickets');
    expect(shape(shiftMenuItem(menu(), 'help', 1))).toBe(shape(menu()));
  });

  it('finds, updates and removes entries at any depth', () => {
    expect(placeOf(menu(), 'deals')).toEqual({ parent: 'sales', index: 1 });
    expect(updateMenuItem(menu(), 'deals', { id: 'deals', object: 'opportunity', label: '商机' })[0]?.children?.[1]).toEqual({
      id: 'deals',
      object: 'opportunity',
      label: '商机',
    });
    const { items, removed } = removeMenuItem(menu(), 'accounts');
    expect(removed).toEqual({ id: 'accounts', object: 'account' });
    expect(shape(items)).toBe('sales[deals] tickets help');
  });

  it('drops entries of a removed view and makes unused ids', () => {
    expect(shape(withoutView(menu(), 'opportunity', 'board'))).toBe('sales[accounts] tickets help');
    expect(freeMenuId(menu(), 'tickets')).toBe('tickets_2');
    expect(freeMenuId(menu(), 'new')).toBe('new');
    expect(freeMenuId(menu(), '9 Bad-Name')).toBe('bad_name');
  });
});
