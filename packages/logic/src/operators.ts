import type { RuleContext } from './types';

/** Operators of filters: each compiles to SQL. */
export const filterOperators = ['var', '==', '===', '!=', '!==', '<', '<=', '>', '>=', 'and', 'or', '!', '!!', 'in'] as const;
/** Operators only evaluated in memory (formulas and validation rules). */
export const computeOperators = ['if', '?:', '+', '-', '*', '/', '%', 'min', 'max', 'cat', 'substr'] as const;

export const comparisonOperators = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
export const orderingOperators = new Set(['<', '<=', '>', '>=']);
export const equalityOperators = new Set(['==', '===', '!=', '!==']);

const allowed: Record<RuleContext, Set<string>> = {
  filter: new Set(filterOperators),
  validation: new Set([...filterOperators, ...computeOperators]),
  formula: new Set([...filterOperators, ...computeOperators]),
};

export function isAllowed(op: string, context: RuleContext): boolean {
  return allowed[context].has(op);
}
