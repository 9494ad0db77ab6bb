import { type FieldType, noControlChars } from '../field-type';

export const textarea: FieldType = {
  type: 'textarea',
  label: { 'zh-CN': '多行文本', en: 'Long text' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxLength: { type: 'integer', minimum: 1, maximum: 100000, default: 10000 } },
  },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: (f) => ({ type: 'string', maxLength: f.options.maxLength }),
  check: noControlChars,
  textSearch: true,
  conversion: { family: 'text', limit: (f) => ({ kind: 'maxLength', max: Number(f.options.maxLength) }) },
  indexable: false,
  sortable: false,
  defaultWidget: 'textarea',
};
