import type { ObjectDef } from '@tangram/metadata';
import { ApiError, api } from '../api/http';
import type { FieldRules, FormLayout } from './form-layout';

/*
 * Forms in the metadata language (`app.forms`, keyed by object and field ids once resolved). A
 * server whose metadata has no `forms` yet keeps layouts in the `ui_layout` object instead
 * (layout-store.ts); these helpers tell the two apart and convert.
 */

interface MetadataForm {
  name: string;
  object: string;
  tabs: { id: string; title?: unknown; sections: { id: string; title?: unknown; columns?: number; fields: string[] }[] }[];
  rules?: Record<string, FieldRules>;
}

type WithForms = { forms?: MetadataForm[] };

/** Whether this metadata (published or draft) carries forms. */
export function supportsForms(app: unknown): boolean {
  return Array.isArray((app as WithForms | undefined)?.forms);
}

/** Asks the server, with a dry run that changes nothing, whether its metadata language has forms. */
export async function probeFormsSupport(tenant: string): Promise<boolean> {
  try {
    await api('POST', `/t/${tenant}/metadata/plan`, { body: { metadata: { objects: [], forms: [] } } });
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'METADATA_INVALID') return false;
    throw e;
  }
}

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
        columns: (Math.min(3, Math.max(1, s.columns ?? 2)) as 1 | 2 | 3) ?? 2,
        fields: s.fields.map((f) => fieldName(object, f)),
      })),
    })),
    rules: Object.fromEntries(Object.entries(form.rules ?? {}).map(([k, v]) => [fieldName(object, k), v])),
  };
}

/** The metadata with `layout` as the form of the object named `objectName` (added or replaced). */
export function withForm<T extends object>(app: T, objectName: string, layout: FormLayout): T {
  const forms = ((app as WithForms).forms ?? []).filter((f) => f.object !== objectName);
  const form: MetadataForm = {
    name: `${objectName}_form`.slice(0, 63),
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
  return { ...app, forms: [...forms, form] };
}
