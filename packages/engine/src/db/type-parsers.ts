/**
 * How Postgres text values become JS values — identical for pg and PGlite, so both backends
 * return the same JSON. Numbers come back as numbers (counts are int8, sums are numeric);
 * dates stay 'YYYY-MM-DD' strings; timestamps become ISO-8601 strings in UTC.
 */
export const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

/** '2024-05-06 07:08:09.123456+00': the shape Postgres prints in a UTC session, split into its parts. */
const utcText = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

export function parseTimestamptz(text: string): string {
  // Postgres prints '2024-05-06 07:08:09.123+00' (session time zone is UTC). That shape becomes
  // ISO by moving its parts (every row of a list has timestamps: going through Date costs ~1 µs
  // each); anything else (another offset, a year past 9999, BC, infinity) takes the general path.
  const m = utcText.exec(text);
  if (m) return `${m[1]}T${m[2]}.${m[3] === undefined ? '000' : m[3].length >= 3 ? m[3].slice(0, 3) : m[3].padEnd(3, '0')}Z`;
  return parseTimestamptzViaDate(text);
}

/** The general path: any text Postgres may print for a timestamptz, through Date. */
export function parseTimestamptzViaDate(text: string): string {
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

export const textParsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: (t) => Number(t),
  [OID.numeric]: (t) => Number(t),
  [OID.date]: (t) => t,
  [OID.timestamp]: (t) => t.replace(' ', 'T'),
  [OID.timestamptz]: parseTimestamptz,
};
