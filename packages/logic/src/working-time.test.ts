import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRule } from './check';
import { evaluate } from './evaluate';
import { addWorkingMinutes } from './working-time';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
const shanghai = (at: string, minutes: number) => addWorkingMinutes(at, minutes, '08:30', '18:30', weekdays, 'Asia/Shanghai');

describe('addWorkingMinutes: working time of a 5×10 service desk in Shanghai (08:30–18:30, Mon–Fri)', () => {
  it.each([
    ['within the day', '2026-12-04T17:00:00+08:00', 30, '2026-12-04T17:30:00+08:00'],
    ['up to the end of the day exactly', '2026-12-04T17:00:00+08:00', 90, '2026-12-04T18:30:00+08:00'],
    ['past Friday evening into Monday morning', '2026-12-04T17:00:00+08:00', 120, '2026-12-07T09:00:00+08:00'],
    ['from Saturday: the clock starts on Monday', '2026-12-05T11:00:00+08:00', 60, '2026-12-07T09:30:00+08:00'],
    ['from before the day starts', '2026-12-07T07:00:00+08:00', 15, '2026-12-07T08:45:00+08:00'],
    ['from after the day ends', '2026-12-07T20:00:00+08:00', 15, '2026-12-08T08:45:00+08:00'],
    ['48 hours of working time are about a working week', '2026-12-07T08:30:00+08:00', 48 * 60, '2026-12-11T16:30:00+08:00'],
    ['zero minutes inside the day: the moment itself', '2026-12-07T10:00:00+08:00', 0, '2026-12-07T10:00:00+08:00'],
  ])('%s', (_, at, minutes, expected) => {
    expect(shanghai(new Date(at).toISOString(), minutes)).toBe(new Date(expected).toISOString());
  });

  it('is reached through a formula, with the days from a multiselect or comma-separated text', () => {
    const rule = { addWorkingMinutes: [{ var: 'created' }, 120, { var: 'start' }, '18:30', { var: 'days' }, 'Asia/Shanghai'] };
    const record = { created: '2026-12-04T09:00:00.000Z', start: '08:30' };
    expect(evaluate(rule, { ...record, days: weekdays })).toBe('2026-12-07T01:00:00.000Z');
    expect(evaluate(rule, { ...record, days: 'mon,tue,wed,thu,fri' })).toBe('2026-12-07T01:00:00.000Z');
  });

  it.each([
    ['no working day', ['2026-12-07T10:00:00Z', 10, '09:00', '18:00', [], 'UTC']],
    ['a day that ends before it starts', ['2026-12-07T10:00:00Z', 10, '18:00', '09:00', weekdays, 'UTC']],
    ['an unknown time zone', ['2026-12-07T10:00:00Z', 10, '09:00', '18:00', weekdays, 'Mars/Olympus']],
    ['an unknown day', ['2026-12-07T10:00:00Z', 10, '09:00', '18:00', ['mon', 'someday'], 'UTC']],
    ['a time that is not HH:MM', ['2026-12-07T10:00:00Z', 10, '9am', '18:00', weekdays, 'UTC']],
    ['negative minutes', ['2026-12-07T10:00:00Z', -10, '09:00', '18:00', weekdays, 'UTC']],
    ['no start', [null, 10, '09:00', '18:00', weekdays, 'UTC']],
  ])('is null for %s', (_, args) => {
    expect(addWorkingMinutes(...(args as Parameters<typeof addWorkingMinutes>))).toBeNull();
  });

  it('is checked at publish: six arguments of the right kinds', () => {
    const fields = {
      created: { name: 'created', column: 'created', kind: 'datetime' as const },
      title: { name: 'title', column: 'title', kind: 'text' as const },
      days: { name: 'days', column: 'days', kind: 'textList' as const },
    };
    const check = (rule: unknown) => checkRule(rule, { fields }, { context: 'formula' });
    expect(check({ addWorkingMinutes: [{ var: 'created' }, 60, '09:00', '18:00', { var: 'days' }, 'Asia/Shanghai'] }).kind).toBe('datetime');
    for (const bad of [
      { addWorkingMinutes: [{ var: 'title' }, 60, '09:00', '18:00', 'mon', 'UTC'] },
      { addWorkingMinutes: [{ var: 'created' }, '60', '09:00', '18:00', 'mon', 'UTC'] },
      { addWorkingMinutes: [{ var: 'created' }, 60, '09:00', '18:00', 'mon'] },
      { addWorkingMinutes: [{ var: 'created' }, 60, 9, '18:00', 'mon', 'UTC'] },
    ])
      expect(() => check(bad), JSON.stringify(bad)).toThrow();
  });
});

/** The reference: step a minute at a time, counting the minutes whose wall time is working time. */
function byMinutes(start: number, minutes: number, from: number, to: number, open: Set<number>, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const working = (t: number) => {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    const m = Number(p.hour) * 60 + Number(p.minute);
    return open.has(names.indexOf(p.weekday as string)) && m >= from && m < to;
  };
  let t = start;
  while (!working(t)) t += 60_000;
  for (let left = minutes; left > 0; t += 60_000) if (working(t)) left--;
  // The last counted minute ends the span; a span that ends on a closed minute ends where it closed.
  if (minutes > 0) while (!working(t - 60_000)) t -= 60_000;
  return new Date(t).toISOString();
}

describe('addWorkingMinutes agrees with counting minute by minute', () => {
  it('over time zones (with and without daylight saving), calendars, starts and spans', () => {
    const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
    fc.assert(
      fc.property(
        fc.constantFrom('Asia/Shanghai', 'UTC', 'America/New_York', 'Europe/Berlin'),
        // Day hours from 05:00, clear of daylight-saving shifts (01:00–03:00 local).
        fc.integer({ min: 20, max: 60 }).chain((a) =>
          fc.tuple(
            fc.constant(a * 15),
            fc.integer({ min: a + 1, max: 96 }).map((b) => b * 15),
          ),
        ),
        fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
        // Minute-aligned starts over 2026, daylight-saving changes included.
        fc.integer({ min: 0, max: 365 * 24 * 60 }).map((m) => Date.UTC(2026, 0, 1) + m * 60_000),
        fc.integer({ min: 0, max: 1500 }),
        (zone, [from, to], open, start, minutes) => {
          const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          const got = addWorkingMinutes(
            new Date(start).toISOString(),
            minutes,
            hhmm(from),
            hhmm(to),
            open.map((d) => days[d]),
            zone,
          );
          expect(got).toBe(byMinutes(start, minutes, from, to, new Set(open), zone));
        },
      ),
      { numRuns: 60 },
    );
  });
});
