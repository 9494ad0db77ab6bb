import { resolveApp } from '@tangram/fields';
import { describe, expect, it } from 'vitest';
import { describeAction } from './actions';
import { carryArchived, planMigration } from './plan';

const v1 = resolveApp({
  objects: [
    {
      name: 'account',
      label: { 'zh-CN': '客户', en: 'Account' },
      fields: [
        { name: 'name', type: 'text', label: '名称', unique: true },
        { name: 'employees', type: 'integer', label: '员工数' },
      ],
    },
  ],
});

function kinds(actions: { kind: string }[]): string[] {
  return actions.map((a) => a.kind);
}

describe('planMigration', () => {
  it('creates a table, its columns and its indexes for a new object', () => {
    const plan = planMigration({ from: undefined, to: v1 });
    expect(plan).toMatchSnapshot();
    expect(kinds(plan)).toEqual(['table.create', 'column.add', 'column.add', 'index.create', 'index.create', 'index.create']);
  });

  it('plans nothing when the metadata is unchanged', () => {
    expect(planMigration({ from: v1, to: v1 })).toEqual([]);
  });

  it('lists forms, views and menu items added, changed and removed, with no DDL', () => {
    const ui = (views: unknown[], menu: unknown[]) => resolveApp({ objects: [v1.objects[0]], views, menu } as never);
    const board = { id: 'board', name: 'board', object: 'account', label: '客户看板', type: 'table', columns: ['name'] };
    const list = { id: 'list', name: 'list', object: 'account', label: '全部客户', type: 'table', columns: ['name', 'employees'] };
    const before = ui(
      [board, list],
      [
        { id: 'sales', label: '销售', children: [{ id: 'accounts', object: 'account', label: '客户' }] },
        { id: 'help', label: '帮助', url: 'https://example.com' },
      ],
    );
    const after = ui(
      [
        { ...board, columns: ['name', 'employees'] },
        { id: 'mine', name: 'mine', object: 'account', label: '我的客户', type: 'table' },
      ],
      [
        { id: 'help', label: '帮助', url: 'https://example.com' },
        { id: 'sales', label: '销售', children: [{ id: 'accounts', object: 'account', label: '客户' }] },
      ],
    );
    const plan = planMigration({ from: before, to: after });
    expect(plan.map((a) => describeAction(a))).toEqual([
      '修改视图「客户 · 客户看板」',
      '新增视图「客户 · 我的客户」',
      '删除视图「客户 · 全部客户」',
      '修改菜单项「帮助」',
      '修改菜单项「销售」',
    ]);
    expect(describeAction(plan[1]!, 'en')).toBe('Add view "客户 · 我的客户"');
    expect(planMigration({ from: after, to: after })).toEqual([]);
  });

  it('renames by stable id: a new name is a metadata change, not a new column', () => {
    const renamed = resolveApp({
      objects: [
        {
          ...v1.objects[0],
          fields: [
            { id: 'name', name: 'title', type: 'text', label: '名称', unique: true },
            { name: 'employees', type: 'integer', label: '员工数' },
          ],
        },
      ],
    });
    const plan = planMigration({ from: v1, to: renamed });
    expect(plan).toEqual([{ kind: 'metadata.change', object: 'account', field: 'name', label: '名称', change: 'name', from: 'name', to: 'title' }]);
  });

  it('archives a field left out of the desired metadata instead of dropping it', () => {
    const without = resolveApp({
      objects: [{ name: 'account', label: { 'zh-CN': '客户', en: 'Account' }, fields: [{ name: 'name', type: 'text', label: '名称', unique: true }] }],
    });
    const to = carryArchived(v1, without);
    expect(to.objects[0]?.fields.find((f) => f.id === 'employees')?.archived).toBe(true);
    expect(kinds(planMigration({ from: v1, to }))).toEqual(['column.archive']);
  });

  it('plans a type change with its from and to column types', () => {
    const retyped = resolveApp({
      objects: [
        {
          name: 'account',
          label: { 'zh-CN': '客户', en: 'Account' },
          fields: [
            { name: 'name', type: 'text', label: '名称', unique: true },
            { name: 'employees', type: 'decimal', label: '员工数', options: { precision: 12, scale: 2 } },
          ],
        },
      ],
    });
    const plan = planMigration({ from: v1, to: retyped });
    expect(plan[0]).toMatchObject({ kind: 'column.alterType', fromSql: 'bigint', toSql: 'numeric(12,2)' });
  });

  it('describes every step in Chinese and English', () => {
    const plan = planMigration({ from: undefined, to: v1 });
    expect(describeAction(plan[0]!, 'zh-CN')).toBe('新建对象「客户」(account)');
    expect(describeAction(plan[0]!, 'en')).toBe('Create object "客户" (account)');
  });
});
