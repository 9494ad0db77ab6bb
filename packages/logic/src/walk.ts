import { AppError } from '@tangram/errors';

export const maxDepth = 32;
export const maxNodes = 2000;
const forbidden = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Measures a rule without recursion (a hostile 100,000-deep rule must be refused, not overflow
 * the stack) and refuses prototype-polluting keys anywhere in it.
 */
export function checkSize(rule: unknown): void {
  const stack: [unknown, number, string][] = [[rule, 0, '']];
  let nodes = 0;
  while (stack.length) {
    const [node, depth, path] = stack.pop() as [unknown, number, string];
    if (++nodes > maxNodes) throw AppError.problems('RULE_TOO_COMPLEX', [{ code: 'RULE_TOO_COMPLEX', path: path || '/', message: `a rule may have at most ${maxNodes} nodes` }]);
    if (depth > maxDepth) throw AppError.problems('RULE_TOO_COMPLEX', [{ code: 'RULE_TOO_COMPLEX', path: path || '/', message: `a rule may be at most ${maxDepth} levels deep` }]);
    if (Array.isArray(node)) node.forEach((child, i) => stack.push([child, depth + 1, `${path}/${i}`]));
    else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        if (forbidden.has(key)) throw AppError.problems('RULE_INVALID', [{ code: 'RULE_INVALID', path: `${path}/${key}`, message: `"${key}" is not allowed` }]);
        stack.push([(node as Record<string, unknown>)[key], depth + 1, `${path}/${key}`]);
      }
    }
  }
}

export function isForbiddenPath(path: string): boolean {
  return path.split('.').some((p) => forbidden.has(p));
}

/** The operator and its arguments (always a list) of a rule node that is an operation. */
export function operation(node: unknown): { op: string; args: unknown[] } | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const op = keys[0] as string;
  const raw = (node as Record<string, unknown>)[op];
  return { op, args: Array.isArray(raw) ? raw : [raw] };
}
