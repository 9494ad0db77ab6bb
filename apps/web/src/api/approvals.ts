import type { LocaleText } from '@tangram/metadata';
import { infiniteQueryOptions, type QueryClient, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { csrfHeaders, errorFrom } from './http';
import { keys } from './keys';

/**
 * Workflows and approvals (issue 15's HTTP API): 提交审批, the instances of a record, the approval
 * view, its actions, the inbox and its counts, bulk approve.
 *
 * Written against the contract's shapes until the routes are in the OpenAPI document; the calls
 * go through `call` below (same-origin cookies, the CSRF token on writes, ApiError on failure).
 */

/** A person as approvals show them. */
export interface WfUser {
  id: string;
  name: string;
}

export type InstanceStatus = 'running' | 'returned' | 'approved' | 'rejected' | 'withdrawn';
export type InboxBox = 'todo' | 'done' | 'mine' | 'cc';
export type ActionKind = 'approve' | 'reject' | 'return' | 'addSigner' | 'transfer' | 'withdraw' | 'resubmit' | 'remind' | 'cc' | 'comment';

/** What the caller may do with an instance now (the server decides; the UI only offers these). */
export interface Can {
  approve: boolean;
  reject: boolean;
  return: boolean;
  returnTo: { node: string; name?: string | null }[];
  addSigner: boolean;
  transfer: boolean;
  withdraw: boolean;
  resubmit: boolean;
  remind: boolean;
  cc: boolean;
  comment: boolean;
  /** The caller's open task (the one an approve/reject/return… acts on). */
  myTask?: string | null;
  /** Record fields the caller may edit while the record is locked. */
  editable: string[];
}

export interface InstanceSummary {
  id: string;
  workflow: string;
  label: LocaleText | string;
  object: string;
  recordId: string;
  recordTitle: string | null;
  submitter: WfUser;
  status: InstanceStatus;
  createdAt: string;
  updatedAt: string;
  current: { node: string; name?: string | null }[];
  can: Can;
}

export interface WfTask {
  id: string;
  node: string;
  nodeName?: string | null;
  assignee: WfUser;
  status: string;
  kind?: string;
  order?: number;
  createdAt: string;
  decidedAt?: string | null;
}

export interface WfHistoryEntry {
  at: string;
  by: WfUser | null;
  what: string;
  node?: string | null;
  nodeName?: string | null;
  task?: string | null;
  /** A node (退回), a user (转交, 加签) or users (抄送), as the entry's kind says. */
  to?: string | WfUser | WfUser[] | null;
  comment?: string | null;
}

export interface Instance extends InstanceSummary {
  /** The diagram of the version the instance runs. */
  bpmn: string;
  tasks: WfTask[];
  history: WfHistoryEntry[];
}

export interface InboxItem {
  instance: string;
  task?: string | null;
  workflow: string;
  label: LocaleText | string;
  object: string;
  recordId: string;
  recordTitle: string | null;
  node?: string | null;
  nodeName?: string | null;
  status: string;
  submitter: WfUser;
  at: string;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor?: string | null;
}

export interface WorkflowStart {
  name: string;
  label: LocaleText | string;
  object: string;
  start: { button?: boolean };
}

export interface ActionBody {
  kind: ActionKind;
  task?: string;
  comment?: string;
  to?: string;
  signer?: string;
  position?: 'before' | 'after';
  users?: string[];
  values?: Record<string, unknown>;
}

export type BulkResult = { instance: string; task: string; ok: true } | { instance: string; task: string; ok: false; error: { code: string; message: string } };

const base = (tenant: string) => `/api/v1/t/${encodeURIComponent(tenant)}`;
const seg = encodeURIComponent;

/** A JSON call to the tenant API: the answer's body, or an ApiError. */
async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    signal,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : csrfHeaders()) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw errorFrom(res.status, json, res.statusText);
  return json as T;
}

export const approvalApi = {
  workflows: (tenant: string, signal?: AbortSignal) => call<{ items: WorkflowStart[] }>('GET', `${base(tenant)}/workflows`, undefined, signal),
  ofRecord: (tenant: string, object: string, id: string, signal?: AbortSignal) =>
    call<{ items: InstanceSummary[] }>('GET', `${base(tenant)}/records/${seg(object)}/${seg(id)}/approvals`, undefined, signal),
  submit: (tenant: string, object: string, id: string, body: { workflow: string; comment?: string }) =>
    call<Instance>('POST', `${base(tenant)}/records/${seg(object)}/${seg(id)}/approvals`, body),
  get: (tenant: string, id: string, signal?: AbortSignal) => call<Instance>('GET', `${base(tenant)}/approvals/${seg(id)}`, undefined, signal),
  act: (tenant: string, id: string, body: ActionBody) => call<Instance>('POST', `${base(tenant)}/approvals/${seg(id)}/actions`, body),
  inbox: (tenant: string, box: InboxBox, cursor: string | undefined, limit: number, signal?: AbortSignal) =>
    call<InboxPage>(
      'GET',
      `${base(tenant)}/approvals/inbox?${new URLSearchParams({ box, limit: String(limit), ...(cursor ? { cursor } : {}) })}`,
      undefined,
      signal,
    ),
  counts: (tenant: string, signal?: AbortSignal) => call<{ todo: number; cc: number }>('GET', `${base(tenant)}/approvals/counts`, undefined, signal),
  bulk: (tenant: string, body: { kind: 'approve' | 'reject'; items: { instance: string; task: string }[]; comment?: string }) =>
    call<{ results: BulkResult[] }>('POST', `${base(tenant)}/approvals/bulk`, body),
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
    mutationFn: (body: { kind: 'approve' | 'reject'; items: { instance: string; task: string }[]; comment?: string }) => approvalApi.bulk(tenant, body),
    onSettled: () => refresh(qc, tenant),
  });
}

/** An instance that still waits for someone (the record is locked meanwhile). */
export const isOpen = (s: string) => s === 'running' || s === 'returned';
