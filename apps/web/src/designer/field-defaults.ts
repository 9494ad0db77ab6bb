import { fieldTypes } from '@tangram/fields';
import type { Field, FieldInput, FieldTypeName, ObjectInput } from '@tangram/metadata';
import { freeFieldName } from './designer-core';

/** What a field type's options look like to the property panel: each option is itself a field (style example 8). */
export function optionFields(type: FieldTypeName, objects: ObjectInput[]): Field[] {
  const schema = fieldTypes[type].optionsSchema as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const required = new Set(schema.required ?? []);
  const out: Field[] = [];
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    if (name === 'options' && (type === 'select' || type === 'multiselect')) continue;
    const base = { id: name, name, label: { 'zh-CN': name, en: name }, required: required.has(name), unique: false, indexed: false, archived: false };
    const isObjectRef = name === 'target' || name === 'object';
    if (isObjectRef) out.push({ ...base, type: 'select', options: { options: objects.map((o) => ({ key: o.name, label: o.label ?? o.name })) } });
    else if (Array.isArray(p.enum)) out.push({ ...base, type: 'select', options: { options: (p.enum as string[]).map((k) => ({ key: k })) } });
    else if (p.type === 'integer') out.push({ ...base, type: 'integer', options: { min: p.minimum, max: p.maximum } as Record<string, unknown> });
    else if (p.type === 'number') out.push({ ...base, type: 'decimal', options: { scale: 4 } });
    else if (p.type === 'boolean') out.push({ ...base, type: 'boolean', options: {} });
    else if (p.type === 'string') out.push({ ...base, type: 'text', options: { maxLength: 255 } });
    else out.push({ ...base, type: 'json', options: {} });
  }
  return out;
}

/** A new field of `type` dropped on `object`: a free name, the type's label, options that make it valid where possible. */
export function newField(type: FieldTypeName, object: ObjectInput, objects: ObjectInput[]): FieldInput {
  const t = fieldTypes[type];
  const name = freeFieldName(object, type);
  const field: FieldInput = { name, type, label: { 'zh-CN': t.label['zh-CN'] ?? type, en: t.label.en ?? type } };
  const other = objects.find((o) => o.name !== object.name)?.name ?? object.name;
  if (type === 'select' || type === 'multiselect')
    field.options = {
      options: [
        { key: 'option_1', label: { 'zh-CN': '选项1', en: 'Option 1' } },
        { key: 'option_2', label: { 'zh-CN': '选项2', en: 'Option 2' } },
      ],
    };
  if (type === 'lookup' || type === 'manytomany' || type === 'masterdetail') field.options = { target: other };
  if (type === 'formula') field.options = { expression: 0, resultType: 'number' };
  if (type === 'rollup') field.options = { object: other, via: '', aggregate: 'count' };
  return field;
}

/** The registry's field types, in the order the palette shows them. */
export const paletteTypes = Object.keys(fieldTypes) as FieldTypeName[];
