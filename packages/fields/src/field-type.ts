import type { ValueKind } from '@tangram/logic';
import type { Field, FieldTypeName, LocaleText } from '@tangram/metadata';

/** A JSON Schema, as ajv reads it. */
export type JsonSchema = Record<string, unknown>;

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
  computed?: boolean;
  /** Can carry a unique index / a plain index. */
  indexable: boolean;
  /** Can be sorted on. */
  sortable: boolean;
  /** The web widget that edits and shows it. */
  defaultWidget: string;
}

export const noControlChars = (v: unknown): string | undefined =>
  typeof v === 'string' && v.includes('\u0000') ? 'must not contain the NUL character' : undefined;
