import { type FieldType, nullable } from '../field-type';
import { isCalendarDate } from './date';

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function parse(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !isoDateTime.test(v)) return undefined;
  // new Date() rolls 2026-02-30 over to March and T24:00 to the next day; refuse both.
  if (!isCalendarDate(v.slice(0, 10)) || Number(v.slice(11, 13)) > 23 || Number(v.slice(14, 16)) > 59 || Number(v.slice(17, 19) || 0) > 59) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999 ? undefined : d;
}

/** An instant; written with any offset, stored and returned as ISO-8601 UTC with milliseconds. */
export const datetime: FieldType = {
  type: 'datetime',
  label: { 'zh-CN': '日期时间', en: 'Date and time' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'timestamptz(3)',
  kind: 'datetime',
  valueSchema: () => ({ type: 'string', maxLength: 40 }),
  check: (v) => (parse(v) ? undefined : 'must be an ISO-8601 date and time with an offset, e.g. 2026-01-31T09:30:00+08:00'),
  normalize: (v) => parse(v)?.toISOString(),
  conversion: { family: 'datetime' },
  temporal: 'instant',
  apiSchema: (_f, described) => nullable({ ...described, format: 'date-time' }),
  indexable: true,
  sortable: true,
  defaultWidget: 'datetime-picker',
};
