/**
 * JSON Logic truthiness: `[]`, `''`, `0`, `null`, `false` (and `undefined`, `NaN`) are falsy; everything else is truthy.
 * @example truthy([]) === false; truthy('0') === true
 */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return !!value;
}

// UTF-16 code units reordered so that comparing them compares code points: surrogates (astral
// characters) move above U+E000..U+FFFF. Works for well-formed strings.
function codePointOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Compares strings by Unicode code point, as PostgreSQL's `COLLATE "C"` does on UTF-8. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) - codePointOrder(y);
  }
  return a.length - b.length;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Typed, null-aware equality: no coercion (`5` ≠ `'5'`), `null` equals only `null`, lists and objects compared deeply. */
export function strictEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => strictEquals(x, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && strictEquals(a[k], b[k]));
  }
  return a === b;
}

/** `a < b` (or `a <= b`): numbers numerically, strings by code point; null or mixed types give false. */
export function before(a: unknown, b: unknown, orEqual: boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return orEqual ? a <= b : a < b;
  if (typeof a === 'string' && typeof b === 'string') {
    const c = compareCodePoints(a, b);
    return orEqual ? c <= 0 : c < 0;
  }
  return false;
}

/** `a in b`: element of a list, or substring of a text (`''` is in every text); anything else false. */
export function contains(a: unknown, b: unknown): boolean {
  if (Array.isArray(b)) return a !== null && a !== undefined && b.some((x) => strictEquals(a, x));
  if (typeof b === 'string') return typeof a === 'string' && b.includes(a);
  return false;
}

const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const datetimeRe = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?))?$/;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] as number;
  return d <= days;
}

/** A calendar date 'YYYY-MM-DD' with a year from 0001 to 9999. */
export function isDateLiteral(v: string): boolean {
  const m = dateRe.exec(v);
  return !!m && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * An ISO 8601 date-time with a zone (`Z` or `±hh:mm`), or a bare date (midnight UTC), in the
 * canonical form `toISOString()` gives (UTC, milliseconds); null when not valid or outside years 1..9999.
 * @example canonicalDatetime('2026-01-02T08:00:00+08:00') === '2026-01-02T00:00:00.000Z'
 */
export function canonicalDatetime(v: string): string | null {
  const m = datetimeRe.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDay(y, mo, d)) return null;
  if (m[4] !== undefined && m[8] === undefined) return null;
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  const ms = Math.round(Number(`0.${m[7] ?? '0'}`) * 1000);
  const zone = m[8] ?? 'Z';
  let offset = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || 0)];
    if (oh > 23 || om > 59) return null;
    offset = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi - offset, s, ms);
  const year = t.getUTCFullYear();
  return year >= 1 && year <= 9999 ? t.toISOString() : null;
}

/** A UUID in the canonical lower-case form, or null. */
export function canonicalUuid(v: string): string | null {
  return uuidRe.test(v) ? v.toLowerCase() : null;
}
