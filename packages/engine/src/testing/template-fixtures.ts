import type { TemplatePackage } from '@tangram/templates';

export const stage = (key: string, zh: string) => ({ key, label: { 'zh-CN': zh, en: key } });

/** A small `core`: the shared objects other packages build on. */
export function corePackage(version = '1.0.0'): TemplatePackage {
  return {
    manifest: { name: 'core', version, label: { 'zh-CN': '基础', en: 'Core' }, data: ['account', 'product'] },
    objects: [
      {
        name: 'account',
        label: { 'zh-CN': '客户', en: 'Account' },
        fields: [
          { name: 'name', type: 'text', required: true, label: { 'zh-CN': '客户名称', en: 'Name' } },
          { name: 'level', type: 'select', options: { options: [stage('A', '重点'), stage('B', '普通')] } },
          { name: 'phone', type: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
        ],
      },
      {
        name: 'product',
        label: { 'zh-CN': '产品', en: 'Product' },
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'price', type: 'currency' },
        ],
      },
    ],
    forms: [{ name: 'account_form', object: 'account', tabs: [{ id: 'main', sections: [{ id: 'basic', fields: ['name', 'level', 'phone'] }] }] }],
    views: [{ name: 'accounts', object: 'account', type: 'table', columns: ['name', 'level'] }],
    menu: [{ id: 'core_group', label: '基础资料', children: [{ id: 'core_accounts', object: 'account' }] }],
    roles: [{ name: 'core_reader', label: '只读', objects: { account: { read: 'all' }, product: { read: 'all' } } }],
    data: [
      {
        object: 'account',
        records: [
          { $key: 'acc-1', name: '杭州云栖', level: 'A' },
          { $key: 'acc-2', name: '苏州精工', level: 'B' },
        ],
      },
      { object: 'product', records: [{ $key: 'p-1', name: '服务器', price: 30000 }] },
    ],
  };
}

/** A stub that depends on core's account and product: the shared model ERP and OA build on. */
export function ordersPackage(version = '1.0.0', changes: (p: TemplatePackage) => void = () => {}): TemplatePackage {
  const p: TemplatePackage = {
    manifest: { name: 'orders', version, dependencies: { core: '^1.0.0' }, data: ['sales_order'] },
    objects: [
      {
        name: 'sales_order',
        label: { 'zh-CN': '销售订单', en: 'Sales order' },
        fields: [
          { name: 'account', type: 'lookup', required: true, options: { target: 'account' } },
          { name: 'product', type: 'lookup', options: { target: 'product' } },
          { name: 'qty', type: 'integer', label: { 'zh-CN': '数量', en: 'Qty' } },
          {
            name: 'stage',
            type: 'select',
            label: { 'zh-CN': '阶段', en: 'Stage' },
            options: { options: [stage('draft', '草稿'), stage('approved', '已审核'), stage('void', '已作废')] },
          },
        ],
      },
      {
        name: 'account',
        extends: true,
        fields: [{ name: 'order_count', type: 'rollup', options: { object: 'sales_order', via: 'account', aggregate: 'count', precision: 18, scale: 0 } }],
      },
    ],
    forms: [{ name: 'order_form', object: 'sales_order', tabs: [{ id: 'main', sections: [{ id: 'basic', fields: ['account', 'product', 'qty', 'stage'] }] }] }],
    views: [{ name: 'order_board', object: 'sales_order', type: 'kanban', groupBy: 'stage', columns: ['account', 'qty'] }],
    menu: [
      {
        id: 'orders_group',
        label: '订单',
        children: [
          { id: 'orders_list', object: 'sales_order' },
          { id: 'orders_board', object: 'sales_order', view: 'order_board' },
        ],
      },
    ],
    roles: [{ name: 'order_clerk', label: '订单员', objects: { sales_order: { create: true, read: 'own', update: 'own' }, account: { read: 'all' } } }],
    data: [{ object: 'sales_order', records: [{ account: { $ref: 'acc-1' }, product: { $ref: 'p-1' }, qty: 3, stage: 'draft' }] }],
  };
  changes(p);
  return p;
}

export const registry = (...pkgs: TemplatePackage[]) => {
  const m = new Map(pkgs.map((p) => [p.manifest.name, p]));
  return (name: string) => m.get(name);
};
