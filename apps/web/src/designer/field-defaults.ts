import { fieldTypes } from '@tangram/fields';
import type { Field, FieldInput, FieldTypeName, ObjectInput } from '@tangram/metadata';
import { freeFieldName } from './designer-core';

/** The field that edits an option, by the option's JSON Schema type (an option of any other type is edited as JSON). */
const optionEditors: Record<string, (p: Record<string, unknown>) => Pick<Field, 'type' | 'options'>> = {
  integer: (p) => ({ type: 'integer', options: { min: p.minimum, max: p.maximum } }),
  number: () => ({ type: 'decimal', options: { scale: 4 } }),
  boolean: () => ({ type: 'boolean', options: {} }),
  string: () => ({ type: 'text', options: { maxLength: 255 } }),
};

/** What a field type's options look like to the property panel: each option is itself a field (style example 8). */
export function optionFields(type: FieldTypeName, objects: ObjectInput[]): Field[] {
  const schema = fieldTypes[type].optionsSchema as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const out: Field[] = [];
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    if (name === 'options' && fieldTypes[type].optionList) continue; // edited as a list of its own
    const base = { id: name, name, label: { 'zh-CN': name, en: name }, required: required.has(name), unique: false, indexed: false, archived: false };
    const isObjectRef = name === 'target' || name === 'object';
    if (isObjectRef) out.push({ ...base, type: 'select', options: { options: objects.map((o) => ({ key: o.name, label: o.label ?? o.name })) } });
    else if (Array.isArray(p.enum)) out.push({ ...base, type: 'select', options: { options: (p.enum as string[]).map((k) => ({ key: k })) } });
    else out.push({ ...base, ...(optionEditors[String(p.type)]?.(p) ?? { type: 'json', options: {} }) });
  }
  return out;
}

/** A new field of `type` dropped on `object`: a free name, the type's label, options that make it valid where possible. */
export function newField(type: FieldTypeName, object: ObjectInput, objects: ObjectInput[]): FieldInput {
  const t = fieldTypes[type];
  const name = freeFieldName(object, type);
  const field: FieldInput = { name, type, label: { 'zh-CN': t.label['zh-CN'] ?? type, en: t.label.en ?? type } };
  const other = objects.find((o) => o.name !== object.name)?.name ?? object.name;
  if (t.designerOptions) field.options = t.designerOptions(other);
  return field;
}

/** The registry's field types, in the order the palette shows them. */
export const paletteTypes = Object.keys(fieldTypes) as FieldTypeName[];
