import type { Field, FieldTypeName } from '@tangram/metadata';

export type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'empty' | 'notEmpty';
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

const text: Operator[] = ['contains', 'eq', 'ne', 'empty', 'notEmpty'];
const ordered: Operator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'empty', 'notEmpty'];
const equality: Operator[] = ['eq', 'ne', 'empty', 'notEmpty'];
const presence: Operator[] = ['empty', 'notEmpty'];

/** Which operators the filter builder offers per field type (none: the type cannot be filtered on). */
export const operatorsByType = {
  text,
  textarea: text,
  richtext: text,
  email: text,
  phone: text,
  url: text,
  autonumber: text,
  integer: ordered,
  decimal: ordered,
  currency: ordered,
  percent: ordered,
  rollup: ordered,
  formula: ordered,
  date: ordered,
  datetime: ordered,
  boolean: ['eq'],
  select: equality,
  multiselect: ['contains', 'empty', 'notEmpty'],
  lookup: equality,
  masterdetail: equality,
  user: equality,
  department: equality,
  attachment: presence,
  json: presence,
  manytomany: [],
} satisfies Record<FieldTypeName, Operator[]>;

export function operatorsFor(field: Field): Operator[] {
  if (field.type === 'formula' && field.options.resultType !== 'number' && field.options.resultType !== 'date')
    return field.options.resultType === 'boolean' ? ['eq'] : text;
  return operatorsByType[field.type];
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
