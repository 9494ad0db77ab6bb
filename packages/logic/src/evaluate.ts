import jsonLogic from 'json-logic-js';
import type { Rule, RuleVariables } from './types';

/** json-logic truthiness: empty lists are false, everything else as in JavaScript. */
export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}

const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

/** Strict, null-aware equality: no coercion between types (unlike JavaScript's ==). */
export function equal(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  return a === b;
}

/** Compares by Unicode code point, as Postgres does under COLLATE "C". */
function compareText(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function compare(a: unknown, b: unknown): number | undefined {
  if (isNil(a) || isNil(b)) return undefined;
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

function ordered(test: (c: number) => boolean) {
  return (...args: unknown[]): boolean => {
    for (let i = 0; i + 1 < args.length; i++) {
      const c = compare(args[i], args[i + 1]);
      if (c === undefined || !test(c)) return false;
    }
    return true;
  };
}

// The semantics the SQL compiler implements; in-memory evaluation must agree with it exactly.
jsonLogic.add_operation('==', equal);
jsonLogic.add_operation('===', equal);
jsonLogic.add_operation('!=', (a: unknown, b: unknown) => !equal(a, b));
jsonLogic.add_operation('!==', (a: unknown, b: unknown) => !equal(a, b));
jsonLogic.add_operation('<', ordered((c) => c < 0));
jsonLogic.add_operation('<=', ordered((c) => c <= 0));
jsonLogic.add_operation('>', ordered((c) => c > 0));
jsonLogic.add_operation('>=', ordered((c) => c >= 0));
jsonLogic.add_operation('in', (a: unknown, b: unknown) => {
  if (isNil(a) || isNil(b)) return false;
  if (Array.isArray(b)) return b.some((x) => equal(x, a));
  if (typeof b === 'string' && typeof a === 'string') return b.includes(a);
  return false;
});

/**
 * Evaluates a rule against a record (values by field name) with json-logic-js, under the
 * null-aware, typed semantics that `compileFilter` also gives in SQL.
 * @example evaluate({ '>': [{ var: 'amount' }, 1000] }, { amount: 2500 }) // true
 */
export function evaluate(rule: Rule, record: Record<string, unknown>, vars: RuleVariables = {}): unknown {
  const data: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(record)) data[k] = record[k];
  for (const k of Object.keys(vars)) data[k] = vars[k];
  return jsonLogic.apply(rule as never, data);
}
