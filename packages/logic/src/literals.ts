import type { ValueKind } from './types';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function isCalendarDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m || m[1] === '0000') return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * A literal as a value of `kind`, normalised (datetimes to ISO UTC with milliseconds, uuids to
 * lower case), or undefined when it is not one. null stays null.
 */
export function literalAs(value: unknown, kind: ValueKind): { value: unknown } | undefined {
  if (value === null) return { value: null };
  switch (kind) {
    case 'text':
    case 'textList':
      return typeof value === 'string' ? { value } : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? { value } : undefined;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? { value } : undefined;
    case 'datetime': {
      if (typeof value !== 'string' || !isoDateTime.test(value)) return undefined;
      const d = new Date(value);
      return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999 ? undefined : { value: d.toISOString() };
    }
    case 'uuid':
      return typeof value === 'string' && uuidPattern.test(value) ? { value: value.toLowerCase() } : undefined;
    default:
      return undefined;
  }
}

/** The kind a bare literal has before a comparison gives it a more precise one. */
export function literalKind(value: unknown): 'null' | 'text' | 'number' | 'boolean' | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : undefined;
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}
