import type { Problem } from '@tangram/errors';
import { isForbiddenName, structureProblems, throwProblems } from './guard';
import type { Rule, RuleVariables } from './types';
import { before, contains, strictEquals, truthy } from './values';
import { addWorkingMinutes } from './working-time';

/** What `var` reads: the record (by field name) and the `$` variables. */
class Scope {
  constructor(
    readonly record: Record<string, unknown>,
    readonly vars: RuleVariables,
  ) {}
}

function readVariable(vars: RuleVariables, name: string): unknown {
  let v: unknown = vars;
  for (const part of name.split('.')) {
    if (isForbiddenName(part) || typeof v !== 'object' || v === null || !Object.hasOwn(v, part)) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return v instanceof Date ? v.toISOString() : (v ?? null);
}

function readVar(scope: Scope, name: unknown): unknown {
  if (typeof name !== 'string') return null;
  if (name.startsWith('$')) return readVariable(scope.vars, name);
  return Object.hasOwn(scope.record, name) && !isForbiddenName(name) ? (scope.record[name] ?? null) : null;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);
const numbers = (args: unknown[]): args is number[] => args.every(isNumber);

function substr(source: unknown, start: unknown, length?: unknown): string | null {
  if (source === null || source === undefined) return null;
  const chars = Array.from(typeof source === 'string' ? source : String(source));
  const s = isNumber(start) ? Math.trunc(start) : 0;
  const from = s < 0 ? Math.max(0, chars.length + s) : Math.min(s, chars.length);
  const len = isNumber(length) ? Math.trunc(length) : undefined;
  const to = len === undefined ? chars.length : len < 0 ? chars.length + len : from + len;
  return chars.slice(from, Math.max(from, to)).join('');
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const ordered =
  (orEqual: boolean, flip: boolean) =>
  (...args: unknown[]): boolean => {
    const [a, b, c] = flip ? [args[1], args[0]] : args;
    if (args.length === 3 && !flip) return before(a, b, orEqual) && before(b, c, orEqual);
    return before(a, b, orEqual);
  };

/** A date or datetime moved by a number of minutes, as a UTC datetime; null when either is missing or not valid. */
function addMinutes(at: unknown, minutes: unknown): string | null {
  if (typeof at !== 'string' || !isNumber(minutes)) return null;
  const t = Date.parse(at);
  const moved = t + minutes * 60_000;
  return Number.isFinite(moved) && Math.abs(moved) <= 8.64e15 ? new Date(moved).toISOString() : null;
}

/**
 * The date of a year, month and day, as `YYYY-MM-DD`; a month or day out of range rolls over as a
 * calendar does (day 0 is the month before's last day: `date(2031, 4, 0)` is 2031-03-31). Null when
 * any part is missing, not a whole number, or the year leaves 1..9999.
 */
function date(year: unknown, month: unknown, day: unknown): string | null {
  if (![year, month, day].every((v) => isNumber(v) && Number.isInteger(v))) return null;
  const d = new Date(0);
  d.setUTCFullYear(year as number, (month as number) - 1, day as number);
  const y = d.getUTCFullYear();
  if (!Number.isFinite(d.getTime()) || y < 1 || y > 9999) return null;
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

// The semantics compileFilter implements in SQL, applied to the already evaluated arguments.
const operations: Record<string, (...args: any[]) => unknown> = {
  '==': strictEquals,
  '===': strictEquals,
  '!=': (a: unknown, b: unknown) => !strictEquals(a, b),
  '!==': (a: unknown, b: unknown) => !strictEquals(a, b),
  '<': ordered(false, false),
  '<=': ordered(true, false),
  '>': ordered(false, true),
  '>=': ordered(true, true),
  in: contains,
  '!': (a: unknown) => !truthy(a),
  '!!': (a: unknown) => truthy(a),
  '+': (...a: unknown[]) => (numbers(a) ? finite(a.reduce((x, y) => x + y, 0)) : null),
  '*': (...a: unknown[]) => (numbers(a) ? finite(a.reduce((x, y) => x * y, 1)) : null),
  '-': (...a: unknown[]) => (!numbers(a) ? null : a.length === 1 ? -(a[0] as number) : finite((a[0] as number) - (a[1] as number))),
  '/': (a: unknown, b: unknown) => (isNumber(a) && isNumber(b) && b !== 0 ? finite(a / b) : null),
  '%': (a: unknown, b: unknown) => (isNumber(a) && isNumber(b) && b !== 0 ? finite(a % b) : null),
  min: (...a: unknown[]) => (a.some(isNumber) ? Math.min(...a.filter(isNumber)) : null),
  max: (...a: unknown[]) => (a.some(isNumber) ? Math.max(...a.filter(isNumber)) : null),
  cat: (...a: unknown[]) => a.map(text).join(''),
  substr,
  addMinutes,
  addWorkingMinutes,
  date,
};

/**
 * JSON Logic's evaluation order (as json-logic-js): lists evaluate element-wise, literals are
 * themselves, `if`/`?:`/`and`/`or` evaluate lazily, every other operator gets its evaluated
 * arguments. Private to this package: no shared operator table, so other users of json-logic-js
 * in the process (or the browser) are unaffected. Recursion is bounded: rules are measured first.
 */
function run(rule: unknown, scope: Scope): unknown {
  if (Array.isArray(rule)) return rule.map((r) => run(r, scope));
  if (typeof rule !== 'object' || rule === null) return rule;
  const [op, arg] = Object.entries(rule)[0] as [string, unknown];
  const args = Array.isArray(arg) ? arg : [arg];
  switch (op) {
    case 'if':
    case '?:': {
      let i = 0;
      for (; i < args.length - 1; i += 2) if (truthy(run(args[i], scope))) return run(args[i + 1], scope);
      return args.length === i + 1 ? run(args[i], scope) : null;
    }
    case 'and':
    case 'or': {
      let current: unknown;
      for (const a of args) {
        current = run(a, scope);
        if (truthy(current) === (op === 'or')) return current;
      }
      return current;
    }
    case 'var':
      return readVar(scope, run(args[0], scope));
  }
  const fn = Object.hasOwn(operations, op) ? operations[op] : undefined;
  if (!fn) throw new Error(`unknown operator ${op}`);
  return fn(...args.map((a) => run(a, scope)));
}

const verified = new WeakMap<object, Problem[]>();

/**
 * Evaluates a rule in memory, with this package's own JSON Logic evaluator, against a record whose values are keyed by field
 * name, with the same typed, null-aware semantics as `compileFilter` in SQL. The rule's shape is
 * checked first (known operators, plain `var` names, size and depth), not its types.
 * @example evaluate({ '>': [{ var: 'amount' }, 1000] }, { amount: 2500 }) // true
 * @example evaluate({ '<': [{ var: 'due' }, { var: '$now' }] }, { due: null }, { $now: '2026-01-01T00:00:00.000Z' }) // false
 */
export function evaluate(rule: Rule, record: Record<string, unknown>, vars: RuleVariables = {}): unknown {
  const cacheable = typeof rule === 'object' && rule !== null;
  let problems = cacheable ? verified.get(rule) : undefined;
  if (!problems) problems = structureProblems(rule);
  if (cacheable) verified.set(rule, problems);
  if (problems.length) throwProblems(problems);
  const result: unknown = run(rule, new Scope(record, vars));
  return result === undefined ? null : result;
}
