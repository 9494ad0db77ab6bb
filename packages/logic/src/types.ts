/** The kinds of values the condition language knows; every field type maps to one of them. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'uuid' | 'textList' | 'json';

/** A field as the condition language sees it: its name in rules, its column in SQL, its kind. */
export interface LogicField {
  name: string;
  column: string;
  kind: ValueKind;
}

/** The fields a rule may refer to, keyed by field name. */
export interface LogicSchema {
  fields: Record<string, LogicField>;
}

/** Where a rule is used: filters compile to SQL; validation rules and formulas run in memory. */
export type RuleContext = 'filter' | 'validation' | 'formula';

/** A JSON Logic rule (plain JSON). */
export type Rule = unknown;

/** Values of `$` variables, e.g. `{ $user: { id, departmentIds: [] }, $now: '2026-01-01T00:00:00.000Z' }`. */
export interface RuleVariables {
  [name: string]: unknown;
}
