import type { FieldType } from '../field-type';

export const integer: FieldType = {
  type: 'integer',
  label: { 'zh-CN': '整数', en: 'Integer' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { min: { type: 'integer' }, max: { type: 'integer' } },
  },
  storage: 'column',
  column: () => 'bigint',
  kind: 'number',
  valueSchema: (f) => ({
    type: 'integer',
    minimum: (f.options.min as number | undefined) ?? Number.MIN_SAFE_INTEGER,
    maximum: (f.options.max as number | undefined) ?? Number.MAX_SAFE_INTEGER,
  }),
  conversion: { family: 'bigint', limit: () => ({ kind: 'safeInteger' }) },
  indexable: true,
  sortable: true,
  defaultWidget: 'number-input',
};
