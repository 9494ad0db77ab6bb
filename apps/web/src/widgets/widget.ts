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
  /** A multi-line block: it takes a whole row of a form and is left off kanban cards. */
  block?: boolean;
  /** Width of its table column in pixels (default 160). */
  columnWidth?: number;
  /** Can be shown as a column of a table view (rich text and files cannot). */
  listColumn?: boolean;
  /** The field a filter value is typed into (computed and multi-valued fields are filtered by one plain value); default: the field itself. */
  filterAs?(field: Field): Field;
}

/** `field` as another type, optional: what a filter value is typed into. */
export const asType = (field: Field, type: Field['type']): Field => ({ ...field, type, required: false });

export const isEmpty = (v: unknown): boolean => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
