import { type FilterOperator, filterOperators } from '@tangram/fields';
import type { Field } from '@tangram/metadata';

export type Operator = FilterOperator;
export interface Condition {
  /** Identifies the row in the builder. */
  key?: string;
  field: string;
  op: Operator;
  value?: unknown;
}
export interface FilterState {
  match: 'all' | 'any';
  conditions: Condition[];
}

/** Which operators the filter builder offers on a field (none: it cannot be filtered on); the field type says. */
export function operatorsFor(field: Field): Operator[] {
  return [...filterOperators(field)];
}

export const needsValue = (op: Operator) => op !== 'empty' && op !== 'notEmpty';

const jsonOp: Record<Exclude<Operator, 'contains' | 'empty' | 'notEmpty'>, string> = { eq: '==', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** One condition as JSON Logic, or undefined while it is incomplete (no value yet). */
export function conditionToLogic(c: Condition): unknown {
  const v = { var: c.field };
  if (c.op === 'empty') return { '==': [v, null] };
  if (c.op === 'notEmpty') return { '!=': [v, null] };
  if (c.value === undefined || c.value === null || c.value === '') return undefined;
  if (c.op === 'contains') return { in: [c.value, v] };
  return { [jsonOp[c.op]]: [v, c.value] };
}

/** The builder's state as the JSON Logic filter the query API takes; undefined when there is nothing to filter. */
export function filterToLogic(f: FilterState): unknown {
  const parts = f.conditions.map(conditionToLogic).filter((x) => x !== undefined);
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { [f.match === 'all' ? 'and' : 'or']: parts };
}

/** Conditions that take part in the filter (complete ones). */
export const activeConditions = (f: FilterState) => f.conditions.filter((c) => conditionToLogic(c) !== undefined).length;

const opByJson: Record<string, Operator> = { '==': 'eq', '!=': 'ne', '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le' };

function logicToCondition(logic: unknown): Condition | undefined {
  if (!logic || typeof logic !== 'object' || Array.isArray(logic)) return undefined;
  const [op, args] = Object.entries(logic)[0] ?? [];
  if (!op || !Array.isArray(args) || args.length !== 2) return undefined;
  const varName = (x: unknown) => (x && typeof x === 'object' && typeof (x as { var?: unknown }).var === 'string' ? (x as { var: string }).var : undefined);
  if (op === 'in') {
    const field = varName(args[1]);
    return field ? { field, op: 'contains', value: args[0] } : undefined;
  }
  const field = varName(args[0]);
  const mapped = opByJson[op];
  if (!field || !mapped) return undefined;
  if (args[1] === null && (mapped === 'eq' || mapped === 'ne')) return { field, op: mapped === 'eq' ? 'empty' : 'notEmpty' };
  return { field, op: mapped, value: args[1] };
}

/** Reads back JSON Logic the builder wrote (undefined for anything else, which is then shown as JSON). */
export function logicToFilter(logic: unknown): FilterState | undefined {
  if (logic === undefined || logic === null) return { match: 'all', conditions: [] };
  const entry = typeof logic === 'object' && !Array.isArray(logic) ? Object.entries(logic)[0] : undefined;
  if (entry && (entry[0] === 'and' || entry[0] === 'or') && Array.isArray(entry[1])) {
    const conditions = entry[1].map(logicToCondition);
    if (conditions.some((c) => c === undefined)) return undefined;
    return { match: entry[0] === 'and' ? 'all' : 'any', conditions: conditions as Condition[] };
  }
  const one = logicToCondition(logic);
  return one ? { match: 'all', conditions: [one] } : undefined;
}
