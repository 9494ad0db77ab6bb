import type { Field, FieldTypeName } from '@tangram/metadata';
import type { ComponentType } from 'react';

/** What an editor gets: antd's Form.Item injects `id`, `value` and `onChange`. */
export interface EditorProps {
  field: Field;
  tenant: string;
  id?: string;
  value?: unknown;
  onChange?: (value: unknown) => void;
  disabled?: boolean;
}

export interface DisplayProps {
  field: Field;
  tenant: string;
  value: unknown;
}

/**
 * A widget edits and shows the values of some field types. Its id is the `defaultWidget` the
 * field type names in @tangram/fields.
 */
export interface Widget {
  id: string;
  types: readonly FieldTypeName[];
  Editor: ComponentType<EditorProps>;
  Display: ComponentType<DisplayProps>;
}

export const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
