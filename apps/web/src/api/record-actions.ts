import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { components } from './schema';

/** A record action (button) as the server offers it: label, confirmation, input form. */
export type RecordActionView = components['schemas']['RecordActionView'];
export type RecordActionResult = components['schemas']['RecordActionResult'];

const one = (tenant: string, object: string, id: string) => ({ path: { tenant, object, id } });

export const recordActionApi = {
  list: (tenant: string, object: string, id: string, signal?: AbortSignal) =>
    unwrap(client.GET('/api/v1/t/{tenant}/objects/{object}/records/{id}/actions', { params: one(tenant, object, id), signal })),
  run: (tenant: string, object: string, id: string, action: string, input: Record<string, unknown>, key: string) =>
    unwrap(
      client.POST('/api/v1/t/{tenant}/objects/{object}/records/{id}/actions/{action}', {
        params: { path: { tenant, object, id, action }, header: { 'Idempotency-Key': key } },
        body: { input },
      }),
    ),
};

export const recordActionQueries = {
  list: (tenant: string, object: string, id: string, enabled = true) =>
    queryOptions({
      queryKey: keys.recordActions(tenant, object, id),
      queryFn: ({ signal }) => recordActionApi.list(tenant, object, id, signal),
      enabled,
    }),
};

/** The actions the signed-in member may run on the record now (refetched after any write of the object's records). */
export function useRecordActions(tenant: string, object: string, id: string, enabled = true) {
  return useQuery(recordActionQueries.list(tenant, object, id, enabled));
}

/**
 * Runs an action; afterwards every record query of the tenant is stale (an action may write
 * records of several objects). The key makes a double click or a retry run it once.
 */
export function useRunRecordAction(tenant: string, object: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { action: string; input: Record<string, unknown>; key: string }) => recordActionApi.run(tenant, object, id, v.action, v.input, v.key),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.allRecords(tenant) }),
  });
}
