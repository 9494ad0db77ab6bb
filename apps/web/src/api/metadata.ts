import type { Field, ObjectDef, ResolvedApp, View } from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { api } from './http';

export interface Published {
  revision: number;
  metadata: ResolvedApp;
}

export const metadataKey = (tenant: string) => ['metadata', tenant] as const;

/** The tenant's published metadata (objects and fields); refetched after a publish. */
export function useMetadata(tenant: string) {
  return useQuery({
    queryKey: metadataKey(tenant),
    queryFn: () => api<Published>('GET', `/t/${tenant}/metadata`),
    staleTime: 60_000,
  });
}

/** Objects the runtime shows (the web app's own layout store and archived ones are hidden). */
export function visibleObjects(app: ResolvedApp | undefined): ObjectDef[] {
  return (app?.objects ?? []).filter((o) => !o.archived && o.name !== layoutObjectName);
}

export function objectByName(app: ResolvedApp | undefined, name: string | undefined): ObjectDef | undefined {
  return app?.objects.find((o) => o.name === name && !o.archived);
}

export function activeFields(object: ObjectDef): Field[] {
  return object.fields.filter((f) => !f.archived);
}

/** The object early versions of the web app kept form layouts in (forms are metadata now); tenants that still have it never see it. */
export const layoutObjectName = 'ui_layout';

/** A field's name from its id (metadata forms and views refer to fields by id); system columns pass through. */
export function fieldNameOf(object: ObjectDef, idOrName: string): string {
  return object.fields.find((f) => f.id === idOrName)?.name ?? idOrName;
}

/** The saved views of an object. */
export function viewsOf(app: ResolvedApp | undefined, object: ObjectDef): View[] {
  return (app?.views ?? []).filter((v) => v.object === object.id || v.object === object.name);
}
