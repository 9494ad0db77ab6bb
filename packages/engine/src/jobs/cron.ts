import { AppError } from '@tangram/errors';
import { CronExpressionParser } from 'cron-parser';

/** How many missed slots a catch-up counts at most (a minutely schedule stopped for ~70 days). */
export const maxCountedSlots = 100_000;

/** Refuses a cron expression or time zone that cannot be scheduled, naming the field. */
export function checkSchedule(cron: string, timeZone: string): void {
  if (!validTimeZone(timeZone))
    throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field: 'timeZone', message: `unknown time zone "${timeZone}"` }]);
  try {
    CronExpressionParser.parse(cron, { tz: timeZone, strict: false }).next();
  } catch (e) {
    throw AppError.problems('VALIDATION_FAILED', [
      { code: 'VALIDATION_FAILED', field: 'cron', message: `not a cron expression: "${cron}" (${(e as Error).message})` },
    ]);
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The first slot of `cron` strictly after `after`. */
export function nextSlot(cron: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { tz: timeZone, currentDate: after }).next().toDate();
}

/**
 * The slots due from `first` (itself a slot, the schedule's next_run_at) up to `now`: the latest
 * of them, how many came before it (missed while no worker ran; counted up to maxCountedSlots),
 * and the first slot after now.
 */
export function dueSlots(cron: string, timeZone: string, first: Date, now: Date): { slot: Date; missed: number; next: Date } {
  const expr = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: first });
  let slot = first;
  let missed = 0;
  for (;;) {
    const n = expr.next().toDate();
    if (n > now) return { slot, missed, next: n };
    missed++;
    slot = n;
    if (missed >= maxCountedSlots) break;
  }
  // Too many to count one by one: jump to the latest slot at or before now.
  const latest = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date(now.getTime() + 1) })
    .prev()
    .toDate();
  return { slot: latest, missed, next: nextSlot(cron, timeZone, now) };
}
