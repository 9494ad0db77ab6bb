import type { FieldType } from '../field-type';

export const boolean: FieldType = {
  type: 'boolean',
  label: { 'zh-CN': '是/否', en: 'Yes/No' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'boolean',
  kind: 'boolean',
  valueSchema: () => ({ type: 'boolean' }),
  conversion: { family: 'boolean' },
  indexable: true,
  sortable: true,
  defaultWidget: 'switch',
};
