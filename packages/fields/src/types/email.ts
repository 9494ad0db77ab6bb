import type { FieldType } from '../field-type';

const email = /^[^\s@\u0000]+@[^\s@\u0000]+\.[^\s@\u0000]+$/;

export const emailType: FieldType = {
  type: 'email',
  label: { 'zh-CN': '邮箱', en: 'Email' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string', maxLength: 254 }),
  check: (v) => (email.test(v as string) ? undefined : 'must be an email address'),
  textSearch: true,
  conversion: { family: 'text', limit: () => ({ kind: 'pattern', pattern: '^[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+$', maxLength: 254 }) },
  duplicateMatches: ['exact'],
  indexable: true,
  sortable: true,
  defaultWidget: 'email-input',
};
