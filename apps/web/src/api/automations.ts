import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { operations } from './schema';

type Ok<Op extends keyof operations> = operations[Op]['responses'] extends { 200: { content: { 'application/json': infer R } } } ? R : never;
/** What an automation would do to a record (the designer's dry run). */
export type DryRunResult = Ok<'dryRunAutomation'>;
export type DryRunAction = DryRunResult['actions'][number];
/** One run of an automation in its run log. */
export type AutomationRun = Ok<'listAutomationRuns'>['runs'][number];

export const automationQueries = {
  /** The newest runs of a published automation (tenant admins). */
  runs: (tenant: string, id: string) =>
    queryOptions({
      queryKey: keys.automationRuns(tenant, id),
      queryFn: ({ signal }) =>
        unwrap(client.GET('/api/v1/t/{tenant}/automations/{id}/runs', { params: { path: { tenant, id }, query: { limit: 50 } }, signal })).then((r) => r.runs),
    }),
};

export function useAutomationRuns(tenant: string, id: string, enabled: boolean) {
  return useQuery({ ...automationQueries.runs(tenant, id), enabled });
}

/** Retries a failed run from its failed action; the run log is read again. */
export function useRetryRun(tenant: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: number) => unwrap(client.POST('/api/v1/t/{tenant}/automations/{id}/runs/{runId}/retry', { params: { path: { tenant, id, runId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.automationRuns(tenant, id) }),
  });
}

/** Dry-runs an automation's definition (as designed, not yet published) on one record. */
export function useDryRun(tenant: string) {
  return useMutation({
    mutationFn: (body: { automation: Record<string, unknown>; recordId: string }) =>
      unwrap(client.POST('/api/v1/t/{tenant}/automations/dry-run', { params: { path: { tenant } }, body })),
  });
}
