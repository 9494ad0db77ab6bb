/** A small CRM-like app used across engine tests. */
export const salesApp = {
  name: 'sales',
  objects: [
    {
      name: 'account',
      label: { 'zh-CN': '客户', en: 'Account' },
      searchFields: ['name', 'city'],
      fields: [
        { name: 'name', type: 'text', label: { 'zh-CN': '客户名称', en: 'Name' }, required: true, unique: true },
        { name: 'city', type: 'text' },
        { name: 'level', type: 'select', options: { options: [{ key: 'A' }, { key: 'B' }, { key: 'C' }] } },
        { name: 'tags', type: 'multiselect', options: { options: [{ key: 'vip' }, { key: 'new' }, { key: 'risk' }] } },
        { name: 'employees', type: 'integer' },
        { name: 'website', type: 'url' },
        { name: 'email', type: 'email' },
        { name: 'phone', type: 'phone' },
        { name: 'founded', type: 'date' },
        { name: 'last_contact', type: 'datetime' },
        { name: 'active', type: 'boolean', defaultValue: true },
        { name: 'notes', type: 'textarea' },
        { name: 'profile', type: 'richtext' },
        { name: 'extra', type: 'json' },
        { name: 'files', type: 'attachment' },
        { name: 'manager', type: 'user' },
        { name: 'dept', type: 'department' },
        { name: 'parent', type: 'lookup', options: { target: 'account', onDelete: 'setNull' } },
        { name: 'order_count', type: 'rollup', options: { object: 'sales_order', via: 'account', aggregate: 'count', precision: 18, scale: 0 } },
        { name: 'order_total', type: 'rollup', options: { object: 'sales_order', via: 'account', aggregate: 'sum', field: 'total' } },
      ],
    },
    {
      name: 'product',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'price', type: 'currency' },
      ],
    },
    {
      name: 'sales_order',
      label: { 'zh-CN': '订单', en: 'Order' },
      fields: [
        { name: 'number', type: 'autonumber', options: { format: 'SO-{YYYY}{MM}-{0000}' } },
        { name: 'account', type: 'lookup', required: true, options: { target: 'account' } },
        { name: 'discount', type: 'percent' },
        { name: 'total', type: 'rollup', options: { object: 'order_line', via: 'order', aggregate: 'sum', field: 'amount' } },
        {
          name: 'net',
          type: 'formula',
          options: { resultType: 'number', scale: 2, expression: { '*': [{ var: 'total' }, { '-': [1, { '/': [{ var: 'discount' }, 100] }] }] } },
        },
        { name: 'products', type: 'manytomany', options: { target: 'product' } },
        { name: 'status', type: 'select', defaultValue: 'draft', options: { options: [{ key: 'draft' }, { key: 'approved' }, { key: 'void' }] } },
      ],
      validationRules: [
        {
          id: 'discount_cap',
          rule: { or: [{ '==': [{ var: 'discount' }, null] }, { '<=': [{ var: 'discount' }, 30] }] },
          message: { 'zh-CN': '折扣不能超过30%', en: 'Discount at most 30%' },
          field: 'discount',
        },
      ],
    },
    {
      name: 'order_line',
      fields: [
        { name: 'order', type: 'masterdetail', options: { target: 'sales_order', detailName: 'lines' } },
        { name: 'product', type: 'lookup', options: { target: 'product' } },
        { name: 'qty', type: 'decimal', options: { precision: 18, scale: 4 }, required: true },
        { name: 'price', type: 'currency', required: true },
        { name: 'amount', type: 'formula', options: { resultType: 'number', scale: 2, expression: { '*': [{ var: 'qty' }, { var: 'price' }] } } },
      ],
    },
  ],
};
