import { type FieldType, jsonText } from '../field-type';

export const json: FieldType = {
  type: 'json',
  label: { 'zh-CN': 'JSON', en: 'JSON' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'jsonb',
  kind: 'json',
  valueSchema: () => ({}),
  conversion: { family: 'json' },
  toColumn: jsonText,
  apiSchema: (_f, described) => ({ title: described.title }),
  indexable: false,
  sortable: false,
  defaultWidget: 'json-editor',
};
