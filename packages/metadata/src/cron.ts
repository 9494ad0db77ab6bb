import { CronExpressionParser } from 'cron-parser';

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Part {
  name: string;
  min: number;
  max: number;
  /** Names accepted for the values from `min` on (months, weekdays). */
  names?: string[];
}

const parts: Part[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: months },
  // 7 is Sunday too, as in Vixie cron.
  { name: 'day of week', min: 0, max: 7, names: weekdays },
];

function value(text: string, part: Part): number | undefined {
  const named = part.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + part.min;
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= part.min && n <= part.max ? n : undefined;
}

/** The problem with one comma-separated item of a cron field (`*`, `5`, `1-5`, `*\/15`, `mon-fri/2`), if any. */
function itemProblem(item: string, part: Part): string | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined || range === '') return `"${item}" is not a value, range or step`;
  if (step !== undefined && (!/^\d{1,2}$/.test(step) || Number(step) < 1)) return `"${step}" is not a step (1 or more)`;
  if (range === '*') return undefined;
  const [from, to, more] = range.split('-');
  const a = value(from ?? '', part);
  if (more !== undefined || a === undefined) return `"${range}" is not in ${part.min}-${part.max}`;
  if (to === undefined) return step === undefined ? undefined : `"${item}": a step needs a range or *`;
  const b = value(to, part);
  if (b === undefined) return `"${to}" is not in ${part.min}-${part.max}`;
  return a > b ? `"${range}" runs backwards` : undefined;
}

/**
 * Why a five-field cron expression (minute hour day-of-month month day-of-week) is not valid, or
 * undefined when it is. Lists, ranges, steps and month/weekday names are accepted. Each field is
 * read here first, to name the part that is wrong; what passes must then parse with cron-parser,
 * the library the job scheduler runs schedules with, so publishing never accepts a rule the
 * scheduler would refuse.
 * @example cronProblem('0 9 * * mon-fri') // undefined
 * @example cronProblem('0 25 * * *') // 'hour: "25" is not in 0-23'
 */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `a cron expression has five fields (minute hour day month weekday), not ${fields.length}`;
  for (const [i, field] of fields.entries()) {
    const part = parts[i] as Part;
    for (const item of field.split(',')) {
      const problem = itemProblem(item, part);
      if (problem) return `${part.name}: ${problem}`;
    }
  }
  try {
    CronExpressionParser.parse(expression.trim(), { strict: false }).next();
  } catch (e) {
    return `the scheduler cannot read it: ${(e as Error).message}`;
  }
  return undefined;
}

/** Whether `zone` is an IANA time zone this runtime knows (Asia/Shanghai, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
