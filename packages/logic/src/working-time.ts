// addWorkingMinutes: a moment moved by a number of minutes of working time — the hours between
// a day's start and end, on working days, in a time zone (an SLA's 5×8 service hours). Pure:
// the calendar is in the arguments; no holidays (a tenant's holiday calendar is not modelled).

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const minute = 60_000;
/** The longest a working-time sum may reach: ten years of calendar days. */
const maxDays = 3660;

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null; // not an IANA zone
    }
    if (formatters.size < 1000) formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock date and time at `ms` in the zone, as a UTC timestamp of the same wall time. */
function wall(ms: number, f: Intl.DateTimeFormat): number {
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)])) as Record<string, number>;
  return Date.UTC(p.year as number, (p.month as number) - 1, p.day as number, p.hour as number, p.minute as number, p.second as number);
}

/** The instant whose wall time in the zone is `wallMs` (the later one across a gap, the earlier across an overlap). */
function instant(wallMs: number, f: Intl.DateTimeFormat): number {
  let t = wallMs - (wall(wallMs, f) - wallMs);
  t = wallMs - (wall(t, f) - t);
  return t;
}

/** "HH:MM" → minutes after midnight; null unless 00:00–24:00. */
function clock(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(v.trim());
  if (!m) return null;
  const at = Number(m[1]) * 60 + Number(m[2]);
  return at <= 24 * 60 ? at : null;
}

/** Working days as a list (a multiselect's keys) or comma-separated text: mon … sun. */
function days(v: unknown): Set<number> | null {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : null;
  if (!list) return null;
  const out = new Set<number>();
  for (const d of list) {
    const i = weekdays.indexOf(String(d).trim().toLowerCase() as (typeof weekdays)[number]);
    if (i < 0) return null;
    out.add(i);
  }
  return out;
}

/**
 * `{"addWorkingMinutes": [at, minutes, dayStart, dayEnd, workDays, timeZone]}`: `at` moved by
 * `minutes` of working time; a moment outside working hours starts counting at the next day
 * start. Null when an argument is missing or not valid, the minutes are negative, no day is a
 * working day, the day ends before it starts (no overnight shifts), or the sum would pass ten years.
 */
export function addWorkingMinutes(at: unknown, minutes: unknown, dayStart: unknown, dayEnd: unknown, workDays: unknown, timeZone: unknown): string | null {
  const start = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  const [from, to, open] = [clock(dayStart), clock(dayEnd), days(workDays)];
  const f = typeof timeZone === 'string' ? formatter(timeZone) : null;
  if (!Number.isFinite(start) || typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) return null;
  if (from === null || to === null || to <= from || !open?.size || !f) return null;
  let left = minutes * minute;
  let t = start;
  for (let i = 0; i <= maxDays; i++) {
    const w = wall(t, f);
    const midnight = w - (((w % 86_400_000) + 86_400_000) % 86_400_000);
    if (open.has(new Date(midnight).getUTCDay())) {
      const [opens, closes] = [instant(midnight + from * minute, f), instant(midnight + to * minute, f)];
      if (t < opens) t = opens;
      if (t < closes) {
        if (left <= closes - t) return new Date(t + left).toISOString();
        left -= closes - t;
      }
    }
    t = instant(midnight + 86_400_000, f);
  }
  return null;
}
