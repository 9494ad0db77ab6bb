import type { ValueKind } from '@tangram/logic';
import type { DuplicateMatch, Field, FieldTypeName, LocaleText } from '@tangram/metadata';

/** A JSON Schema, as ajv reads it. */
export type JsonSchema = Record<string, unknown>;

/**
 * The family of a column's values, for type changes: values convert between families along
 * fixed routes (text ↔ number, date ↔ datetime, …); a type with no family converts only to itself.
 */
export type ColumnFamily = 'text' | 'bigint' | 'numeric' | 'boolean' | 'date' | 'datetime' | 'textList' | 'json';

/**
 * What a column refuses among converted values, as data (the schema planner turns it into SQL):
 * a longest length, a PostgreSQL regular expression, a list of option keys (one or a subset),
 * digits of numeric(p,s), or the safe-integer range.
 */
export type ColumnLimit =
  | { kind: 'maxLength'; max: number }
  | { kind: 'pattern'; pattern: string; maxLength?: number }
  | { kind: 'oneOf'; keys: string[] }
  | { kind: 'subsetOf'; keys: string[] }
  | { kind: 'digits'; precision: number; scale: number }
  | { kind: 'safeInteger' };

/** A condition the filter builder offers on a field. */
export type FilterOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'empty' | 'notEmpty';

/** A value that points at other records. */
export interface Reference {
  /** `single`: one id in a column with a foreign key; `junction`: a list of ids in a link table. */
  shape: 'single' | 'junction';
  /** Points at records of an object of the app (`options.target`), not at a system table. */
  toObject: boolean;
  /** The table the foreign key (or the junction) points at: an object id or a system table. */
  target(field: Field): string;
  /** What deleting (purging) the target does to the value. */
  onDelete(field: Field): 'restrict' | 'cascade' | 'set null';
  /** Master-detail: the record belongs to its target, is required, written and deleted with it. */
  master?: boolean;
}

/**
 * How the engine computes a computed field: `sequence` on create (auto-number), `expression`
 * from the record itself on every write (formula), `aggregate` over related records (rollup).
 */
export type Computation = 'sequence' | 'expression' | 'aggregate';

/**
 * One field type: how it is stored, validated, filtered and edited. One file per type, all
 * listed in `registry.ts`.
 */
export interface FieldType {
  type: FieldTypeName;
  label: LocaleText;
  /** Schema of `field.options`, with defaults (ajv `useDefaults`). */
  optionsSchema: JsonSchema;
  /** Where values live: a column of the object's table, or a junction table (many-to-many). */
  storage: 'column' | 'junction';
  /** The SQL column type, built only from validated options. */
  column(field: Field): string;
  /** How the condition language sees the value; `null` when it cannot be filtered on. */
  kind: ValueKind | null;
  /** When the kind depends on options (formula). */
  kindOf?(field: Field): ValueKind | null;
  /** Schema of a value a client writes (null is allowed separately unless required). */
  valueSchema(field: Field): JsonSchema;
  /** Checks beyond the schema (calendar dates, option keys, precision); a message or undefined. */
  check?(value: unknown, field: Field): string | undefined;
  /** Normalises a valid value before it is written (e.g. datetimes to ISO UTC). */
  normalize?(value: unknown, field: Field): unknown;
  /** Computed by the engine (auto-number, formula, rollup): clients cannot write it. */
  computed?: Computation;
  /** Makes a computed result fit the field (formula: to its result type); what cannot fit becomes null. */
  coerce?(value: unknown, field: Field): unknown;
  /** Can carry a unique index / a plain index. */
  indexable: boolean;
  /** Always unique (among records not in the recycle bin), whatever `field.unique` says. */
  alwaysUnique?: boolean;
  /** Can be sorted on. */
  sortable: boolean;
  /** The first field of this type is an object's title field when none is named (text). */
  titleCandidate?: boolean;
  /** Free text the search box matches: a search field of this type gets a trigram index. */
  textSearch?: boolean;
  /** A reference to other records; absent for plain values. */
  reference?: Reference;
  /** Its values are file references (checked against the files the writer may use). */
  holdsFiles?: boolean;
  /** A calendar day or an instant: what calendars and follow-up dates accept. */
  temporal?: 'day' | 'instant';
  /** Its values are the lanes of a kanban board. */
  kanbanLanes?: boolean;
  /** Filter operators, when they are not those of its kind (a select compares, it does not search). */
  filterOperators?: readonly FilterOperator[];
  /** The order its values group in (reports, funnels) when it is not their natural order: a select's options' order. */
  valueOrder?(field: Field): string[];
  /** Its options list the values it accepts (`options.options`): the designer edits them as a list. */
  optionList?: boolean;
  /** Options of a field just dropped in the designer, valid where possible; `other` is an object it may point at. */
  designerOptions?(other: string): Record<string, unknown>;
  /** How a duplicate rule (查重) may compare its values; absent: it cannot be checked for duplicates. */
  duplicateMatches?: readonly DuplicateMatch[];
  /** Converting to and from other types: the value family and what the column refuses. */
  conversion?: { family: ColumnFamily; limit?(field: Field): ColumnLimit | undefined };
  /** An options change that keeps the column type but may leave stored values invalid (options removed). */
  narrows?(was: Field, now: Field): boolean;
  /** The value as bound to its column (jsonb values go as JSON text); default: unchanged. */
  toColumn?(value: unknown): unknown;
  /**
   * The value's schema in the OpenAPI document, null included, given `described` (the value
   * schema with title and description); default: `described` or null.
   */
  apiSchema?(field: Field, described: JsonSchema): JsonSchema;
  /** The web widget that edits and shows it. */
  defaultWidget: string;
}

export const noControlChars = (v: unknown): string | undefined =>
  typeof v === 'string' && v.includes('\u0000') ? 'must not contain the NUL character' : undefined;

/** `schema` or null. */
export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

/** Values bound to a jsonb column go as JSON text (pg would send arrays as Postgres arrays). */
export const jsonText = (value: unknown): unknown => JSON.stringify(value);
