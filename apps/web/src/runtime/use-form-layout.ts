import type { ObjectDef } from '@tangram/metadata';
import { layoutObjectName, useMetadata } from '../api/metadata';
import { type FormLayout, fitLayout } from '../layout/form-layout';
import { formKey, useStoredLayout } from '../layout/layout-store';
import { formOf } from '../layout/metadata-forms';

/**
 * The form layout of an object, fitted to its fields as they are now: the form in the published
 * metadata; else one stored in `ui_layout` (servers without forms in their metadata); else the default.
 */
export function useFormLayout(tenant: string, object: ObjectDef | undefined): { layout: FormLayout | undefined; loading: boolean } {
  const md = useMetadata(tenant);
  const app = md.data?.metadata;
  const inMetadata = object ? formOf(app, object) : undefined;
  const stored = !inMetadata && Boolean(app?.objects.some((o) => o.name === layoutObjectName));
  const fromStore = useStoredLayout(tenant, formKey(object?.name ?? ''), stored && object !== undefined);
  if (!object) return { layout: undefined, loading: md.isLoading };
  if (inMetadata) return { layout: fitLayout(inMetadata, object), loading: false };
  if (stored && fromStore.isLoading) return { layout: undefined, loading: true };
  return { layout: fitLayout(fromStore.data ?? undefined, object), loading: false };
}
