import type { ObjectDef } from '@tangram/metadata';
import { layoutObjectName, useMetadata } from '../api/metadata';
import { type FormLayout, fitLayout } from '../layout/form-layout';
import { formKey, useStoredLayout } from '../layout/layout-store';

/** The form layout of an object: the designed one when stored, else the default, fitted to the fields as they are now. */
export function useFormLayout(tenant: string, object: ObjectDef | undefined): { layout: FormLayout | undefined; loading: boolean } {
  const md = useMetadata(tenant);
  const published = Boolean(md.data?.metadata.objects.some((o) => o.name === layoutObjectName));
  const stored = useStoredLayout(tenant, formKey(object?.name ?? ''), published && object !== undefined);
  if (!object) return { layout: undefined, loading: md.isLoading };
  if (published && stored.isLoading) return { layout: undefined, loading: true };
  return { layout: fitLayout(stored.data ?? undefined, object), loading: false };
}
