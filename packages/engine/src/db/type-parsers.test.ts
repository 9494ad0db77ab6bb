import { describe, expect, it } from 'vitest';
import { parseTimestamptz, parseTimestamptzViaDate } from './type-parsers';

// The fast path moves the parts of Postgres's UTC text; it must give exactly what going through
// Date gives, for every shape Postgres prints (0 to 6 fractional digits, any valid instant).
describe('parseTimestamptz', () => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  /** Postgres's text for an instant with `digits` fractional digits (trailing zeros trimmed, as Postgres does). */
  const pgText = (ms: number, micros: number, digits: number) => {
    const d = new Date(ms);
    const frac = `${pad(d.getUTCMilliseconds(), 3)}${pad(micros, 3)}`.slice(0, digits).replace(/0+$/, '');
    const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    return `${date} ${time}${frac ? `.${frac}` : ''}+00`;
  };

  it('agrees with the Date path over 20,000 random instants and precisions', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lo = Date.UTC(1, 0, 1);
    const hi = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
    for (let i = 0; i < 20_000; i++) {
      const text = pgText(Math.floor(lo + rand() * (hi - lo)), Math.floor(rand() * 1000), Math.floor(rand() * 7));
      expect(parseTimestamptz(text), text).toBe(parseTimestamptzViaDate(text));
    }
  });

  it('agrees at the edges of each part', () => {
    for (const text of [
      '1970-01-01 00:00:00+00',
      '2024-02-29 23:59:59.999999+00',
      '2024-05-06 07:08:09.1+00',
      '2024-05-06 07:08:09.12+00',
      '2024-05-06 07:08:09.123+00',
      '2024-05-06 07:08:09.1234+00',
      '0001-01-01 00:00:00+00',
      '9999-12-31 23:59:59.999+00',
    ])
      expect(parseTimestamptz(text), text).toBe(parseTimestamptzViaDate(text));
    expect(parseTimestamptz('2024-05-06 07:08:09.5+00')).toBe('2024-05-06T07:08:09.500Z');
  });

  it('takes the general path for other offsets and values', () => {
    expect(parseTimestamptz('2024-05-06 09:08:09.123+02')).toBe('2024-05-06T07:08:09.123Z');
    expect(parseTimestamptz('2024-05-06 01:38:09+05:30')).toBe('2024-05-05T20:08:09.000Z');
    expect(parseTimestamptz('infinity')).toBe('infinity');
    expect(parseTimestamptz('-infinity')).toBe('-infinity');
  });
});
