import type { FieldType } from '../field-type';

const phone = /^\+?[0-9 ()-]{3,31}$/;

function isPhone(v: unknown): boolean {
  return typeof v === 'string' && phone.test(v) && (v.match(/[0-9]/g)?.length ?? 0) >= 3;
}

/**
 * Mobile or landline numbers as typed (13800138000, 010-12345678, (021) 5555-1234,
 * +86 138 0013 8000): digits with spaces, dashes and parentheses, and a leading +.
 */
export const phoneType: FieldType = {
  type: 'phone',
  label: { 'zh-CN': '电话', en: 'Phone' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string', maxLength: 32 }),
  check: (v) => (isPhone(v) ? undefined : 'must be a phone number'),
  textSearch: true,
  conversion: { family: 'text', limit: () => ({ kind: 'pattern', pattern: '^\\+?[0-9][0-9 ()-]{2,30}$' }) },
  duplicateMatches: ['phone', 'exact'],
  indexable: true,
  sortable: true,
  defaultWidget: 'phone-input',
};
