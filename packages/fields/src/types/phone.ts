import type { FieldType } from '../field-type';

const phone = /^\+?[0-9][0-9 ()-]{2,30}$/;

/** Mobile or landline numbers as typed (13800138000, 010-12345678, +86 138 0013 8000). */
export const phoneType: FieldType = {
  type: 'phone',
  label: { 'zh-CN': '电话', en: 'Phone' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string', maxLength: 32 }),
  check: (v) => (phone.test(v as string) ? undefined : 'must be a phone number'),
  indexable: true,
  sortable: true,
  defaultWidget: 'phone-input',
};
