import { type FieldType, noControlChars } from '../field-type';

export const text: FieldType = {
  type: 'text',
  label: { 'zh-CN': '单行文本', en: 'Text' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxLength: { type: 'integer', minimum: 1, maximum: 10000, default: 255 } },
  },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: (f) => ({ type: 'string', maxLength: f.options.maxLength }),
  check: noControlChars,
  titleCandidate: true,
  textSearch: true,
  conversion: { family: 'text', limit: (f) => ({ kind: 'maxLength', max: Number(f.options.maxLength) }) },
  duplicateMatches: ['exact', 'company'],
  indexable: true,
  sortable: true,
  defaultWidget: 'text-input',
};
