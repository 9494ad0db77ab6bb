import { isForbiddenPath, operation } from './walk';
import type { Rule, RuleVariables } from './types';

function lookup(vars: RuleVariables, path: string): unknown {
  if (isForbiddenPath(path)) return null;
  let v: unknown = vars;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, part)) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return v ?? null;
}

/**
 * Replaces variables (`{"var": "$user.id"}`) by their values, so the rule can be compiled with
 * every value a bound parameter.
 * @example bindVariables({ '==': [{ var: 'owner_id' }, { var: '$user.id' }] }, { $user: { id } })
 */
export function bindVariables(rule: Rule, vars: RuleVariables): Rule {
  if (Array.isArray(rule)) return rule.map((r) => bindVariables(r, vars));
  const op = operation(rule);
  if (!op) return rule;
  if (op.op === 'var') {
    const name = op.args[0];
    return typeof name === 'string' && name.startsWith('$') ? lookup(vars, name) : rule;
  }
  return { [op.op]: op.args.map((a) => bindVariables(a, vars)) };
}

/** The field names a rule refers to (variables excluded), e.g. to check the caller may read them. */
export function collectFields(rule: Rule): string[] {
  const out = new Set<string>();
  const stack: unknown[] = [rule];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const op = operation(node);
    if (!op) continue;
    if (op.op === 'var') {
      const name = op.args[0];
      if (typeof name === 'string' && name && !name.startsWith('$')) out.add(name.split('.')[0] as string);
    } else stack.push(...op.args);
  }
  return [...out];
}
