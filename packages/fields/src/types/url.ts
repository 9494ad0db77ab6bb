import type { FieldType } from '../field-type';

function isWebUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export const urlType: FieldType = {
  type: 'url',
  label: { 'zh-CN': '网址', en: 'URL' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string', maxLength: 2048 }),
  check: (v) => (isWebUrl(v as string) ? undefined : 'must be an http or https URL'),
  textSearch: true,
  conversion: { family: 'text', limit: () => ({ kind: 'pattern', pattern: '^https?://[^[:space:]]+$' }) },
  indexable: true,
  sortable: true,
  defaultWidget: 'url-input',
};
