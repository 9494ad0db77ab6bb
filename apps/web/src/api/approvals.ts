import { infiniteQueryOptions, type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type {
  ApprovalActionBody,
  ApprovalBulkBody,
  ApprovalCan,
  ApprovalHistoryEntry,
  ApprovalInboxItem,
  ApprovalInstance,
  ApprovalSummary,
  ApprovalTask,
  ApprovalUser,
  WorkflowStart,
} from './types';

/**
 * Workflows and approvals (issue 15's HTTP API, docs/reference/api.md): 提交审批, the instances of
 * a record, the approval view, its actions, the inbox and its counts, bulk approve.
 */

export type WfUser = ApprovalUser;
export type Can = ApprovalCan;
export type InstanceSummary = ApprovalSummary;
export type Instance = ApprovalInstance;
export type WfTask = ApprovalTask;
export type WfHistoryEntry = ApprovalHistoryEntry;
export type InboxItem = ApprovalInboxItem;
export type { WorkflowStart };
export type InstanceStatus = InstanceSummary['status'];
export type InboxBox = 'todo' | 'done' | 'mine' | 'cc';
export type ActionBody = ApprovalActionBody;
export type ActionKind = ActionBody['kind'];
export type BulkResult = Awaited<ReturnType<typeof approvalApi.bulk>>['results'][number];

const path = (tenant: string) => ({ path: { tenant } });

export const approvalApi = {
  workflows: (tenant: string, signal?: AbortSignal) => unwrap(client.GET('/api/v1/t/{tenant}/workflows', { params: path(tenant), signal })),
  ofRecord: (tenant: string, object: string, id: string, signal?: AbortSignal) =>
    unwrap(client.GET('/api/v1/t/{tenant}/records/{object}/{id}/approvals', { params: { path: { tenant, object, id } }, signal })),
  submit: (tenant: string, object: string, id: string, body: { workflow: string; comment?: string }) =>
    unwrap(client.POST('/api/v1/t/{tenant}/records/{object}/{id}/approvals', { params: { path: { tenant, object, id } }, body })),
  get: (tenant: string, id: string, signal?: AbortSignal) =>
    unwrap(client.GET('/api/v1/t/{tenant}/approvals/{id}', { params: { path: { tenant, id } }, signal })),
  act: (tenant: string, id: string, body: ActionBody) =>
    unwrap(client.POST('/api/v1/t/{tenant}/approvals/{id}/actions', { params: { path: { tenant, id } }, body })),
  inbox: (tenant: string, box: InboxBox, cursor: string | undefined, limit: number, signal?: AbortSignal) =>
    unwrap(client.GET('/api/v1/t/{tenant}/approvals/inbox', { params: { path: { tenant }, query: { box, limit, cursor } }, signal })),
  counts: (tenant: string, signal?: AbortSignal) => unwrap(client.GET('/api/v1/t/{tenant}/approvals/counts', { params: path(tenant), signal })),
  bulk: (tenant: string, body: ApprovalBulkBody) => unwrap(client.POST('/api/v1/t/{tenant}/approvals/bulk', { params: path(tenant), body })),
};

export const inboxPageSize = 20;

export const approvalQueries = {
  /** 待办 and unread 抄送我: the shell's badges. */
  counts: (tenant: string) =>
    queryOptions({ queryKey: keys.approvalCounts(tenant), queryFn: ({ signal }) => approvalApi.counts(tenant, signal), refetchInterval: 60_000 }),
  /** The enabled workflows the caller may start (提交审批 buttons). */
  workflows: (tenant: string) =>
    queryOptions({ queryKey: keys.workflows(tenant), queryFn: ({ signal }) => approvalApi.workflows(tenant, signal), staleTime: 60_000 }),
  inbox: (tenant: string, box: InboxBox) =>
    infiniteQueryOptions({
      queryKey: keys.approvalInbox(tenant, box),
      initialPageParam: undefined as string | undefined,
      queryFn: ({ signal, pageParam }) => approvalApi.inbox(tenant, box, pageParam, inboxPageSize, signal),
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  instance: (tenant: string, id: string) => queryOptions({ queryKey: keys.approval(tenant, id), queryFn: ({ signal }) => approvalApi.get(tenant, id, signal) }),
  ofRecord: (tenant: string, object: string, id: string, enabled = true) =>
    queryOptions({
      queryKey: keys.recordApprovals(tenant, object, id),
      queryFn: ({ signal }) => approvalApi.ofRecord(tenant, object, id, signal),
      enabled,
    }),
};

/** After any approval write: the inbox, the counts, the instances and the record (its status and lock) are read again. */
function refresh(qc: QueryClient, tenant: string, object?: string) {
  return Promise.all([
    qc.invalidateQueries({ queryKey: keys.approvals(tenant) }),
    object ? qc.invalidateQueries({ queryKey: keys.records(tenant, object) }) : qc.invalidateQueries({ queryKey: keys.allRecords(tenant) }),
  ]);
}

/** 提交审批. */
export function useSubmitApproval(tenant: string, object: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { workflow: string; comment?: string }) => approvalApi.submit(tenant, object, id, body),
    onSuccess: async (inst) => {
      qc.setQueryData(keys.approval(tenant, inst.id), inst);
      await refresh(qc, tenant, object);
    },
  });
}

/** One action on an instance; the answer replaces the cached instance. */
export function useApprovalAction(tenant: string, id: string, object?: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ActionBody) => approvalApi.act(tenant, id, body),
    onSuccess: async (inst) => {
      qc.setQueryData(keys.approval(tenant, inst.id), inst);
      await refresh(qc, tenant, object ?? inst.object);
    },
  });
}

/** 批量同意 (or reject) in the inbox: per-item results. */
export function useBulkApproval(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ApprovalBulkBody) => approvalApi.bulk(tenant, body),
    onSettled: () => refresh(qc, tenant),
  });
}

/** An instance that still waits for someone (the record is locked meanwhile). */
export const isOpen = (s: string) => s === 'running' || s === 'returned';
