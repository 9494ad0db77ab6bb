import { type FieldType, nullable } from '../field-type';

export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  // Date.UTC reads years 0–99 as 1900–1999: set the full year explicitly.
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export const date: FieldType = {
  type: 'date',
  label: { 'zh-CN': '日期', en: 'Date' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'date',
  kind: 'date',
  valueSchema: () => ({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  check: (v) => (typeof v === 'string' && isCalendarDate(v) && v >= '0001-01-01' ? undefined : 'must be a calendar date YYYY-MM-DD'),
  conversion: { family: 'date' },
  temporal: 'day',
  apiSchema: (_f, described) => nullable({ ...described, format: 'date' }),
  indexable: true,
  sortable: true,
  defaultWidget: 'date-picker',
};
