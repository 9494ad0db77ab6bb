import { AppError } from '@tangram/errors';
import { assertMeasured, child, isForbiddenName, varName } from './guard';
import type { Rule, RuleVariables } from './types';

const noValue = Symbol('no value');

/** The value at `$root.a.b`, through own properties only; `noValue` when the root is not given. */
function lookup(vars: RuleVariables, name: string): unknown {
  const [root, ...rest] = name.split('.');
  if (!Object.hasOwn(vars, root as string)) return noValue;
  let v: unknown = vars[root as string];
  for (const part of rest) {
    if (isForbiddenName(part) || typeof v !== 'object' || v === null || !Object.hasOwn(v, part)) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A variable's value as a rule literal: scalars, dates (as ISO strings) and lists of them. */
function asLiteral(value: unknown, name: string, path: string): unknown {
  const scalar = (v: unknown): unknown => {
    if (v === undefined || v === null) return null;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    throw AppError.problems('RULE_INVALID', [{ code: 'RULE_INVALID', path, message: `variable "${name.slice(0, 100)}" is not a value or a list of values` }]);
  };
  return Array.isArray(value) ? value.map(scalar) : scalar(value);
}

/**
 * Replaces variables (`{"var": "$user.id"}`) by their values, so that a filter can be compiled
 * with every value a bound parameter. A missing path gives null; a root that is not given is left
 * as it is (checkRule then reports it). Objects cannot be bound (RULE_INVALID).
 * @example bindVariables({ '==': [{ var: 'owner_id' }, { var: '$user.id' }] }, { $user: { id: 'u1' } })
 * // { '==': [{ var: 'owner_id' }, 'u1'] }
 */
export function bindVariables(rule: Rule, vars: RuleVariables): Rule {
  assertMeasured(rule);
  const bind = (node: unknown, path: string): unknown => {
    if (Array.isArray(node)) return node.map((n, i) => bind(n, child(path, i)));
    if (typeof node !== 'object' || node === null) return node;
    const keys = Object.keys(node);
    if (keys.length !== 1) return node;
    const op = keys[0] as string;
    const arg = (node as Record<string, unknown>)[op];
    if (op === 'var') {
      const v = varName(arg);
      if (!('name' in v) || !v.name.startsWith('$')) return node;
      const value = lookup(vars, v.name);
      return value === noValue ? node : asLiteral(value, v.name, path);
    }
    return { [op]: bind(arg, child(path, op)) };
  };
  return bind(rule, '/');
}

/**
 * The field names a rule reads (variables excluded), in order of appearance, each once;
 * e.g. to check that the caller may read them. Throws RULE_TOO_COMPLEX like checkRule.
 * @example collectFields({ and: [{ '==': [{ var: 'stage' }, 'won'] }, { var: 'amount' }] }) // ['stage', 'amount']
 */
export function collectFields(rule: Rule): string[] {
  assertMeasured(rule);
  const out = new Set<string>();
  const stack: unknown[] = [rule];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const keys = Object.keys(node);
    if (keys.length !== 1) continue;
    const arg = (node as Record<string, unknown>)[keys[0] as string];
    if (keys[0] === 'var') {
      const v = varName(arg);
      if ('name' in v && v.name !== '' && !v.name.startsWith('$')) out.add(v.name);
    } else stack.push(arg);
  }
  return [...out];
}
