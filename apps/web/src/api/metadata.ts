import type { Field, ObjectDef, ResolvedApp, View } from '@tangram/metadata';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';

import type { Published, SaveDraftBody } from './types';

export type { Draft, PlannedStep, Published, RevisionSummary } from './types';

const tenantPath = (tenant: string) => ({ params: { path: { tenant } } });

export const metadataQueries = {
  /** The tenant's published metadata (objects and fields); refetched after a publish. */
  published: (tenant: string) =>
    queryOptions({
      queryKey: keys.metadata(tenant),
      queryFn: ({ signal }): Promise<Published> => unwrap(client.GET('/api/v1/t/{tenant}/metadata', { ...tenantPath(tenant), signal })) as Promise<Published>,
      staleTime: 60_000,
    }),
  /** The designer's draft (the published metadata until someone saves one). */
  draft: (tenant: string) =>
    queryOptions({
      queryKey: keys.draft(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/metadata/draft', { ...tenantPath(tenant), signal })),
    }),
  /** What publishing the draft `doc` would do. */
  plan: (tenant: string, doc: unknown) =>
    queryOptions({
      queryKey: keys.plan(tenant, doc),
      queryFn: ({ signal }) => unwrap(client.POST('/api/v1/t/{tenant}/metadata/plan', { ...tenantPath(tenant), body: {}, signal })),
    }),
  revisions: (tenant: string) =>
    queryOptions({
      queryKey: keys.revisions(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/metadata/revisions', { ...tenantPath(tenant), signal })),
    }),
  revisionDiff: (tenant: string, id: number) =>
    queryOptions({
      queryKey: keys.revisionDiff(tenant, id),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/metadata/revisions/{id}/diff', { params: { path: { tenant, id } }, signal })),
    }),
};

export function useMetadata(tenant: string) {
  return useQuery(metadataQueries.published(tenant));
}

/** Saves the designer's draft (autosave); the cached draft becomes what was saved. */
export function useSaveDraft(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: SaveDraftBody) => unwrap(client.PUT('/api/v1/t/{tenant}/metadata/draft', { ...tenantPath(tenant), body: v })),
    onSuccess: (_, v) => qc.setQueryData(keys.draft(tenant), (d) => (d ? { ...d, metadata: v.metadata } : d)),
  });
}

/** What a publish or a rollback changes: the published metadata, the draft based on it, the list of revisions. */
function refreshAfterPublish(qc: ReturnType<typeof useQueryClient>, tenant: string) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: keys.revisions(tenant) }),
    qc.invalidateQueries({ queryKey: keys.metadata(tenant) }),
    qc.invalidateQueries({ queryKey: keys.draft(tenant) }),
    // Reports and dashboards are metadata too.
    qc.invalidateQueries({ queryKey: keys.reports(tenant) }),
  ]);
}

export function usePublish(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (message: string | undefined) => unwrap(client.POST('/api/v1/t/{tenant}/metadata/publish', { ...tenantPath(tenant), body: { message } })),
    onSuccess: () => refreshAfterPublish(qc, tenant),
  });
}

export function useRollback(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(client.POST('/api/v1/t/{tenant}/metadata/revisions/{id}/rollback', { params: { path: { tenant, id } } })),
    onSuccess: () => refreshAfterPublish(qc, tenant),
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
