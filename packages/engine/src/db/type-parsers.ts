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

export function parseTimestamptz(text: string): string {
  // Postgres prints '2024-05-06 07:08:09.123+00' (session time zone is UTC).
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
