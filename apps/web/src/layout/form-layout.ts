import type { Field, FormSectionInput, LocaleText, ObjectDef } from '@tangram/metadata';

/** Live rules of one field on a form: JSON Logic over the form's values, evaluated as the user types. */
export interface FieldRules {
  visible?: unknown;
  required?: unknown;
  readOnly?: unknown;
}

/** How many columns a form section may have: what the metadata allows. */
export type FormColumns = NonNullable<FormSectionInput['columns']>;
export const formColumnCounts: readonly FormColumns[] = [1, 2, 3, 4];

/** A stored column count as the designer and the runtime use it: an allowed one, else the default 2. */
export function sectionColumns(columns: unknown): FormColumns {
  return formColumnCounts.find((n) => n === columns) ?? 2;
}

export interface FormSection {
  id: string;
  title?: LocaleText | string;
  columns: FormColumns;
  /** Field names, laid out row by row. */
  fields: string[];
}

export interface FormTab {
  id: string;
  title?: LocaleText | string;
  sections: FormSection[];
}

/** How an object's record form is laid out: tabs of sections of fields in columns. One tab shows no tab bar. */
export interface FormLayout {
  tabs: FormTab[];
  rules?: Record<string, FieldRules>;
}

let counter = 0;
/** A short id for a new tab or section. */
export const newId = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(counter++).toString(36)}`;

/** The form an object gets before anyone designs one: every field, two columns. */
export function defaultFormLayout(object: ObjectDef): FormLayout {
  return {
    tabs: [{ id: 'main', sections: [{ id: 'general', columns: 2, fields: object.fields.filter((f) => !f.archived).map((f) => f.name) }] }],
  };
}

/**
 * Fits a stored layout to the object as it is now: fields no longer there are dropped, fields
 * added since are appended to the last section, so a new field is never hidden by an old layout.
 */
export function fitLayout(layout: FormLayout | undefined, object: ObjectDef): FormLayout {
  if (!layout || !Array.isArray(layout.tabs) || layout.tabs.length === 0) return defaultFormLayout(object);
  const names = new Set(object.fields.filter((f) => !f.archived).map((f) => f.name));
  const placed = new Set<string>();
  const tabs = layout.tabs.map((tab) => ({
    ...tab,
    sections: tab.sections.map((s) => ({
      ...s,
      fields: s.fields.filter((n) => {
        if (!names.has(n) || placed.has(n)) return false;
        placed.add(n);
        return true;
      }),
    })),
  }));
  const missing = [...names].filter((n) => !placed.has(n));
  const lastTab = tabs[tabs.length - 1];
  const last = lastTab?.sections[lastTab.sections.length - 1];
  if (missing.length && last) last.fields.push(...missing);
  else if (missing.length && lastTab) lastTab.sections.push({ id: 'more', columns: 2, fields: missing });
  return { tabs, rules: layout.rules ?? {} };
}

export function fieldsByName(object: ObjectDef): Map<string, Field> {
  return new Map(object.fields.filter((f) => !f.archived).map((f) => [f.name, f]));
}
