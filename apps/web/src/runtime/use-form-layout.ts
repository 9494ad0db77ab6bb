import type { ObjectDef } from '@tangram/metadata';
import { useMetadata } from '../api/metadata';
import { type FormLayout, fitLayout } from '../layout/form-layout';
import { formOf } from '../layout/metadata-forms';

/** The form layout of an object, fitted to its fields as they are now: its form in the published metadata, else the default. */
export function useFormLayout(tenant: string, object: ObjectDef | undefined): { layout: FormLayout | undefined; loading: boolean } {
  const md = useMetadata(tenant);
  if (!object) return { layout: undefined, loading: md.isLoading };
  return { layout: fitLayout(formOf(md.data?.metadata, object), object), loading: false };
}
