import { AppError, type Problem } from '@tangram/errors';
import { knownOperators } from './operators';

/** At most this many operators nested inside each other. */
export const maxDepth = 32;
/** At most this many JSON values (operators, lists, literals) in one rule. */
export const maxNodes = 2000;

const forbidden = new Set(['__proto__', 'constructor', 'prototype']);

/** True for names that could reach an object's prototype. */
export function isForbiddenName(name: string): boolean {
  return forbidden.has(name);
}

/** The JSON-pointer path of a child: `child('/and/1', '==')` is `/and/1/==`; the root is `/`. */
export function child(path: string, key: string | number): string {
  const token = String(key).replace(/~/g, '~0').replace(/\//g, '~1');
  return path === '/' ? `/${token}` : `${path}/${token}`;
}

/** Throws one AppError carrying every problem; its code is the problems' code when they share one, else RULE_INVALID. */
export function throwProblems(problems: Problem[]): never {
  const codes = new Set(problems.map((p) => p.code));
  const code = codes.size === 1 ? (problems[0]?.code ?? 'RULE_INVALID') : 'RULE_INVALID';
  throw AppError.problems(code, problems);
}

/**
 * Measures a rule without recursion, so a 10,000-deep or cyclic value cannot overflow the stack.
 * Depth counts operators (objects) on a path; size counts every value.
 */
export function measureProblem(rule: unknown): Problem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: rule, path: '/', depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (++nodes > maxNodes) return { code: 'RULE_TOO_COMPLEX', path: '/', message: `the rule has more than ${maxNodes} parts` };
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push({ value: v, path: child(path, i), depth });
      });
      continue;
    }
    if (depth + 1 > maxDepth) return { code: 'RULE_TOO_COMPLEX', path, message: `operators are nested more than ${maxDepth} deep` };
    for (const key of Object.keys(value)) stack.push({ value: (value as Record<string, unknown>)[key], path: child(path, key), depth: depth + 1 });
  }
  return null;
}

/** Throws RULE_TOO_COMPLEX when the rule is too deep or too large. */
export function assertMeasured(rule: unknown): void {
  const p = measureProblem(rule);
  if (p) throwProblems([p]);
}

/** Why a non-object value is not a JSON Logic literal, or null when it is one. */
export function literalProblem(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value.includes('\u0000') ? 'text may not contain the character U+0000' : null;
    case 'number':
      return Number.isFinite(value) ? null : 'numbers must be finite';
    case 'boolean':
      return null;
    case 'object':
      return value === null ? null : 'not a JSON value';
    default:
      return `a ${typeof value} is not a JSON value`;
  }
}

/** Why an object cannot be an operation, or null. Checks the shape only, not the operator. */
export function operationShapeProblem(value: object): string | null {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return 'not a JSON value';
  const keys = Object.keys(value);
  if (keys.length !== 1) return `an operation has exactly one key (the operator), not ${keys.length}`;
  if (isForbiddenName(keys[0] as string)) return `"${keys[0]}" is not allowed`;
  return null;
}

/** The name in `{"var": name}` / `{"var": [name]}`, or a reason it is not a plain name. */
export function varName(arg: unknown): { name: string } | { problem: string } {
  const a = Array.isArray(arg) ? (arg.length === 1 ? arg[0] : undefined) : arg;
  if (Array.isArray(arg) && arg.length !== 1) return { problem: 'var takes one name (defaults are not supported)' };
  if (typeof a !== 'string') return { problem: 'var takes a field name or a $variable path' };
  if (a.includes('\u0000')) return { problem: 'text may not contain the character U+0000' };
  if (a.split('.').some(isForbiddenName)) return { problem: `"${a.slice(0, 100)}" is not allowed` };
  return { name: a };
}

/**
 * Shape-only check for in-memory evaluation (no schema there): JSON values, known operators,
 * plain var names without prototype access. Recursion is safe because the rule was measured first.
 */
export function structureProblems(rule: unknown): Problem[] {
  const measured = measureProblem(rule);
  if (measured) return [measured];
  const problems: Problem[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(v, child(path, i));
      });
      return;
    }
    if (typeof value !== 'object' || value === null) {
      const why = literalProblem(value);
      if (why) problems.push({ code: 'RULE_INVALID', path, message: why });
      return;
    }
    const shape = operationShapeProblem(value);
    if (shape) {
      problems.push({ code: 'RULE_INVALID', path, message: shape });
      return;
    }
    const [op, arg] = Object.entries(value)[0] as [string, unknown];
    const at = child(path, op);
    if (!knownOperators.has(op)) problems.push({ code: 'RULE_OPERATOR_UNKNOWN', path: at, message: `unknown operator "${op.slice(0, 100)}"` });
    else if (op === 'var') {
      const v = varName(arg);
      if ('problem' in v) problems.push({ code: 'RULE_INVALID', path: at, message: v.problem });
    } else walk(arg, at);
  };
  walk(rule, '/');
  return problems;
}
