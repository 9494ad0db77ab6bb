import type { FieldType } from '../field-type';

export const json: FieldType = {
  type: 'json',
  label: { 'zh-CN': 'JSON', en: 'JSON' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'jsonb',
  kind: 'json',
  valueSchema: () => ({}),
  indexable: false,
  sortable: false,
  defaultWidget: 'json-editor',
};
