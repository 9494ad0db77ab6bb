import type { RuleContext } from './types';

/** Operators a filter may use; each has an SQL translation. */
export const filterOperators: ReadonlySet<string> = new Set(['var', '==', '===', '!=', '!==', '<', '<=', '>', '>=', 'and', 'or', '!', '!!', 'in']);

/** Operators that exist only in memory (formulas and validation rules). */
export const formulaOnlyOperators: ReadonlySet<string> = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'if',
  '?:',
  'cat',
  'substr',
  'addMinutes',
  'addWorkingMinutes',
  'date',
]);

/** Every operator the language knows. */
export const knownOperators: ReadonlySet<string> = new Set([...filterOperators, ...formulaOnlyOperators]);

/** Filters use filter operators only; validation rules and formulas may use every operator. */
export function operatorAllowed(op: string, context: RuleContext): boolean {
  return context === 'filter' ? filterOperators.has(op) : knownOperators.has(op);
}
