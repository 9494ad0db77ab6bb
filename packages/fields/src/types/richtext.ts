import { type FieldType, noControlChars } from '../field-type';

/** HTML; stored as written, sanitised where it is rendered. */
export const richtext: FieldType = {
  type: 'richtext',
  label: { 'zh-CN': '富文本', en: 'Rich text' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxLength: { type: 'integer', minimum: 1, maximum: 1000000, default: 200000 } },
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
  defaultWidget: 'rich-text',
};
