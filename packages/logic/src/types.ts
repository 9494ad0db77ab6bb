/** How the condition language sees a field's values. */
export type ValueKind = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'uuid' | 'textList' | 'json';

export interface LogicField {
  name: string;
  /** The physical column. */
  column: string;
  kind: ValueKind;
}

/** The fields a rule may refer to, by name. */
export interface LogicSchema {
  fields: Record<string, LogicField>;
}

/** Where a rule is used: filters compile to SQL; validation rules and formulas run in memory. */
export type RuleContext = 'filter' | 'validation' | 'formula';

/** A JSON Logic rule (plain JSON). */
export type Rule = unknown;

/** Values bound at run time: `{ $now: '2026-…Z', $user: { id, departmentIds: [] } }`. */
export type RuleVariables = Record<string, unknown>;

/** The kinds of the variables a rule may use, by path. */
export const variableKinds: Record<string, ValueKind | 'uuidList'> = {
  $now: 'datetime',
  $today: 'date',
  '$user.id': 'uuid',
  '$user.name': 'text',
  '$user.departmentIds': 'uuidList',
  '$user.subordinateIds': 'uuidList',
};
