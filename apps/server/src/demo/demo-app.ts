/** The demo app the quick start installs: a small CRM (replaced by the CRM template later). */
export const demoApp = {
  name: 'demo_crm',
  version: '0.1.0',
  label: { 'zh-CN': '演示 CRM', en: 'Demo CRM' },
  objects: [
    {
      name: 'account',
      label: { 'zh-CN': '客户', en: 'Account' },
      searchFields: ['name', 'phone'],
      fields: [
        { name: 'name', type: 'text', label: { 'zh-CN': '客户名称', en: 'Name' }, required: true, unique: true },
        {
          name: 'level',
          type: 'select',
          label: { 'zh-CN': '客户级别', en: 'Level' },
          options: {
            options: [
              { key: 'A', label: { 'zh-CN': 'A 重点', en: 'A key' }, color: '#f5222d' },
              { key: 'B', label: { 'zh-CN': 'B 普通', en: 'B normal' }, color: '#1677ff' },
              { key: 'C', label: { 'zh-CN': 'C 非优先', en: 'C low' }, color: '#8c8c8c' },
            ],
          },
        },
        {
          name: 'industry',
          type: 'select',
          label: { 'zh-CN': '行业', en: 'Industry' },
          options: {
            options: [
              { key: 'manufacturing', label: { 'zh-CN': '制造业', en: 'Manufacturing' } },
              { key: 'it', label: { 'zh-CN': '信息技术', en: 'IT' } },
              { key: 'retail', label: { 'zh-CN': '零售', en: 'Retail' } },
              { key: 'finance', label: { 'zh-CN': '金融', en: 'Finance' } },
            ],
          },
        },
        { name: 'phone', type: 'phone', label: { 'zh-CN': '电话', en: 'Phone' } },
        { name: 'website', type: 'url', label: { 'zh-CN': '网址', en: 'Website' } },
        {
          name: 'opportunity_count',
          type: 'rollup',
          label: { 'zh-CN': '商机数', en: 'Opportunities' },
          options: { object: 'opportunity', via: 'account', aggregate: 'count', scale: 0 },
        },
        {
          name: 'pipeline_amount',
          type: 'rollup',
          label: { 'zh-CN': '商机总额', en: 'Pipeline' },
          options: { object: 'opportunity', via: 'account', aggregate: 'sum', field: 'amount' },
        },
      ],
    },
    {
      name: 'contact',
      label: { 'zh-CN': '联系人', en: 'Contact' },
      searchFields: ['name', 'mobile'],
      fields: [
        { name: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' }, required: true },
        { name: 'account', type: 'lookup', label: { 'zh-CN': '客户', en: 'Account' }, options: { target: 'account' } },
        { name: 'mobile', type: 'phone', label: { 'zh-CN': '手机', en: 'Mobile' } },
        { name: 'email', type: 'email', label: { 'zh-CN': '邮箱', en: 'Email' } },
        { name: 'title', type: 'text', label: { 'zh-CN': '职务', en: 'Title' } },
      ],
    },
    {
      name: 'opportunity',
      label: { 'zh-CN': '商机', en: 'Opportunity' },
      fields: [
        { name: 'number', type: 'autonumber', label: { 'zh-CN': '编号', en: 'Number' }, options: { format: 'OPP-{YYYY}{MM}-{0000}' } },
        { name: 'name', type: 'text', label: { 'zh-CN': '商机名称', en: 'Name' }, required: true },
        { name: 'account', type: 'lookup', label: { 'zh-CN': '客户', en: 'Account' }, required: true, options: { target: 'account' } },
        {
          name: 'stage',
          type: 'select',
          label: { 'zh-CN': '阶段', en: 'Stage' },
          defaultValue: 'qualify',
          options: {
            options: [
              { key: 'qualify', label: { 'zh-CN': '初步接洽', en: 'Qualify' } },
              { key: 'needs', label: { 'zh-CN': '需求确认', en: 'Needs' } },
              { key: 'proposal', label: { 'zh-CN': '方案/演示', en: 'Proposal' } },
              { key: 'quote', label: { 'zh-CN': '报价', en: 'Quote' } },
              { key: 'negotiation', label: { 'zh-CN': '谈判审核', en: 'Negotiation' } },
              { key: 'won', label: { 'zh-CN': '赢单', en: 'Won' } },
              { key: 'lost', label: { 'zh-CN': '输单', en: 'Lost' } },
            ],
          },
        },
        { name: 'amount', type: 'currency', label: { 'zh-CN': '金额', en: 'Amount' } },
        { name: 'probability', type: 'percent', label: { 'zh-CN': '赢率', en: 'Probability' } },
        {
          name: 'weighted',
          type: 'formula',
          label: { 'zh-CN': '加权金额', en: 'Weighted' },
          options: { resultType: 'number', scale: 2, expression: { '*': [{ var: 'amount' }, { '/': [{ var: 'probability' }, 100] }] } },
        },
        { name: 'close_date', type: 'date', label: { 'zh-CN': '预计成交日期', en: 'Close date' } },
      ],
      validationRules: [
        {
          id: 'probability_range',
          field: 'probability',
          rule: { or: [{ '==': [{ var: 'probability' }, null] }, { '<=': [0, { var: 'probability' }, 100] }] },
          message: { 'zh-CN': '赢率须在 0–100 之间', en: 'Probability must be 0–100' },
        },
      ],
    },
  ],
};
