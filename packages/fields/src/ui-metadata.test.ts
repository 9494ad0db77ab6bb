import { describe, expect, it } from 'vitest';
import { resolveApp } from './resolve';

const objects = [
  {
    name: 'device',
    label: { 'zh-CN': '设备', en: 'Device' },
    fields: [
      { id: 'f_name', name: 'name', type: 'text', required: true },
      { name: 'status', type: 'select', options: { options: [{ key: 'ok' }, { key: 'repair' }] } },
      { name: 'bought', type: 'date' },
      { name: 'notes', type: 'textarea' },
      { name: 'specs', type: 'json' },
    ],
  },
];

const problemsOf = (input: unknown) => {
  try {
    resolveApp(input);
  } catch (e) {
    return ((e as { details: { problems: { path: string; message: string }[] } }).details.problems ?? []).map((p) => p.path);
  }
  throw new Error('expected METADATA_INVALID');
};

describe('forms, views and menus in the metadata', () => {
  it('resolve to ids with defaults, so renaming a field keeps its place', () => {
    const app = resolveApp({
      objects,
      forms: [
        {
          name: 'main',
          object: 'device',
          tabs: [
            {
              id: 'basic',
              title: '基本信息',
              sections: [
                { id: 's1', fields: ['name', 'status'] },
                { id: 's2', columns: 1, fields: ['notes'] },
              ],
            },
          ],
          rules: { notes: { visible: { '==': [{ var: 'status' }, 'repair'] }, required: { '==': [{ var: 'status' }, 'repair'] } } },
        },
      ],
      views: [
        { name: 'all', object: 'device', type: 'table', columns: ['name', 'status', 'created_at'], sort: [{ field: 'name' }] },
        { name: 'board', object: 'device', type: 'kanban', groupBy: 'status', columns: ['name'] },
        { name: 'cal', object: 'device', type: 'calendar', dateField: 'bought', filter: { '!=': [{ var: 'status' }, null] } },
      ],
      menu: [
        {
          id: 'assets',
          label: '资产',
          children: [
            { id: 'devices', object: 'device' },
            { id: 'board', object: 'device', view: 'board' },
          ],
        },
      ],
    });
    expect(app.forms[0]).toMatchObject({
      id: 'main',
      object: 'device',
      tabs: [{ id: 'basic', title: { 'zh-CN': '基本信息' }, sections: [{ columns: 2, fields: ['f_name', 'status'] }, { columns: 1 }] }],
    });
    expect(Object.keys(app.forms[0]?.rules ?? {})).toEqual(['notes']);
    expect(app.views.map((v) => [v.id, v.type, v.pageSize])).toEqual([
      ['all', 'table', 50],
      ['board', 'kanban', 50],
      ['cal', 'calendar', 50],
    ]);
    expect(app.views[0]?.columns).toEqual(['f_name', 'status', 'created_at']);
    expect(app.views[0]?.sort).toEqual([{ field: 'f_name', direction: 'asc' }]);
    expect(app.menu[0]?.children?.[0]).toMatchObject({ id: 'devices', label: { 'zh-CN': '设备' }, object: 'device' });
    expect(app.menu[0]?.children?.[1]?.view).toBe('board');
    // Renamed (same id): the published form still holds the field.
    const renamed = resolveApp({
      objects: [{ ...objects[0], fields: [{ id: 'f_name', name: 'title', type: 'text' }] }],
      forms: [{ name: 'f', object: 'device', tabs: [{ id: 't', sections: [{ id: 's', fields: ['f_name'] }] }] }],
    });
    expect(renamed.forms[0]?.tabs[0]?.sections[0]?.fields).toEqual(['f_name']);
  });

  it('reports type-level problems at their path: rules, lanes, dates, sorts, filters', () => {
    const paths = problemsOf({
      objects,
      forms: [{ name: 'main', object: 'device', tabs: [{ id: 't', sections: [] }], rules: { notes: { visible: { '==': [{ var: 'nope' }, 1] } } } }],
      views: [
        { name: 'v1', object: 'device', type: 'kanban', groupBy: 'bought' },
        { name: 'v3', object: 'device', type: 'calendar', dateField: 'status', sort: [{ field: 'specs' }], filter: { '>': [{ var: 'name' }, 3] } },
      ],
    });
    for (const path of ['/forms/0/rules/notes/visible', '/views/0/groupBy', '/views/1/dateField', '/views/1/sort/0/field', '/views/1/filter'])
      expect(
        paths.some((p) => p.startsWith(path)),
        `${path} in ${paths.join(', ')}`,
      ).toBe(true);
  });

  it('reports each naming problem at its path', () => {
    const paths = problemsOf({
      objects,
      forms: [
        {
          name: 'main',
          object: 'device',
          tabs: [{ id: 't', sections: [{ id: 's', fields: ['name', 'ghost', 'name'] }] }],
        },
        { name: 'other', object: 'nothing', tabs: [{ id: 't', sections: [] }] },
      ],
      views: [
        { name: 'v1', object: 'device', type: 'kanban', groupBy: 'bought' },
        { name: 'v2', object: 'device', type: 'calendar' },
        { name: 'v3', object: 'device', type: 'calendar', dateField: 'status', sort: [{ field: 'specs' }], filter: { '>': [{ var: 'name' }, 3] } },
        { name: 'v1', object: 'device', type: 'table' },
      ],
      menu: [
        { id: 'a', object: 'device', view: 'nope' },
        { id: 'a', url: '/x' },
        { id: 'b', object: 'device', url: '/y' },
      ],
    });
    for (const path of [
      '/forms/0/tabs/0/sections/0/fields/1',
      '/forms/0/tabs/0/sections/0/fields/2',
      '/forms/1/object',
      '/views/1/dateField',
      '/views/3/name',
      '/menu/0/view',
      '/menu/1/id',
      '/menu/2',
    ])
      expect(
        paths.some((p) => p.startsWith(path)),
        `${path} in ${paths.join(', ')}`,
      ).toBe(true);
  });
});
