import type { ObjectDef } from '@tangram/metadata';
import { type FieldRules, type FormLayout, sectionColumns } from './form-layout';

/* Forms in the metadata language (`app.forms`, keyed by object and field ids once resolved), to and from the designer's layouts. */

interface MetadataForm {
  id?: string;
  name: string;
  label?: unknown;
  object: string;
  tabs: { id: string; title?: unknown; sections: { id: string; title?: unknown; columns?: number; fields: string[] }[] }[];
  rules?: Record<string, FieldRules>;
}

type WithForms = { forms?: MetadataForm[] };

const fieldName = (object: ObjectDef, key: string) => object.fields.find((f) => f.id === key || f.name === key)?.name ?? key;

/** The form of `object` in the metadata, with field names (the resolved form has ids). */
export function formOf(app: unknown, object: ObjectDef): FormLayout | undefined {
  const form = (app as WithForms | undefined)?.forms?.find((f) => f.object === object.id || f.object === object.name);
  if (!form) return undefined;
  return {
    tabs: form.tabs.map((t) => ({
      id: t.id,
      title: t.title as FormLayout['tabs'][number]['title'],
      sections: t.sections.map((s) => ({
        id: s.id,
        title: s.title as FormLayout['tabs'][number]['title'],
        columns: sectionColumns(s.columns),
        fields: s.fields.map((f) => fieldName(object, f)),
      })),
    })),
    rules: Object.fromEntries(Object.entries(form.rules ?? {}).map(([k, v]) => [fieldName(object, k), v])),
  };
}

/**
 * The metadata with `layout` as the form of the object named `objectName`: the object's form
 * replaced in place, keeping its id, name and label (so a publish shows one changed form), or added.
 */
export function withForm<T extends object>(app: T, objectName: string, layout: FormLayout): T {
  const all = (app as WithForms).forms ?? [];
  const at = all.findIndex((f) => f.object === objectName);
  const was = all[at];
  const form: MetadataForm = {
    ...(was?.id ? { id: was.id } : {}),
    ...(was?.label ? { label: was.label } : {}),
    name: was?.name ?? `${objectName}_form`.slice(0, 63),
    object: objectName,
    tabs: layout.tabs.map((t) => ({
      id: t.id,
      ...(t.title ? { title: t.title } : {}),
      sections: t.sections.map((s) => ({ id: s.id, ...(s.title ? { title: s.title } : {}), columns: s.columns, fields: s.fields })),
    })),
    rules: Object.fromEntries(
      Object.entries(layout.rules ?? {}).filter(([, r]) => r.visible !== undefined || r.required !== undefined || r.readOnly !== undefined),
    ),
  };
  return { ...app, forms: at < 0 ? [...all, form] : all.map((f, i) => (i === at ? form : f)) };
}
