import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './http';

/** A record as the API returns it: system columns plus values keyed by field name. */
export type RecordData = Record<string, unknown> & { id: string; version: number };

export interface QueryOptions {
  filter?: unknown;
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  limit?: number;
  offset?: number;
  search?: string;
  count?: boolean;
  deleted?: boolean;
  fields?: string[];
  expand?: string[];
}

export interface QueryResult {
  records: RecordData[];
  total?: number;
  nextCursor?: string | null;
}

export interface HistoryEntry {
  version: number;
  action: 'create' | 'update' | 'delete' | 'restore' | 'revert' | string;
  at: string;
  actor: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
}

const base = (tenant: string, object: string) => `/t/${tenant}/objects/${object}/records`;

export const recordApi = {
  query: (tenant: string, object: string, q: QueryOptions, signal?: AbortSignal) =>
    api<QueryResult>('POST', `${base(tenant, object)}/query`, { body: q, signal }),
  get: (tenant: string, object: string, id: string) => api<RecordData>('GET', `${base(tenant, object)}/${id}`),
  create: (tenant: string, object: string, values: Record<string, unknown>) => api<RecordData>('POST', base(tenant, object), { body: values }),
  update: (tenant: string, object: string, id: string, version: number, values: Record<string, unknown>) =>
    api<RecordData>('PATCH', `${base(tenant, object)}/${id}`, { body: values, headers: { 'if-match': `"${version}"` } }),
  remove: (tenant: string, object: string, id: string) => api<void>('DELETE', `${base(tenant, object)}/${id}`),
  restore: (tenant: string, object: string, id: string) => api<RecordData>('POST', `${base(tenant, object)}/${id}/restore`),
  /** Takes a record from the object's public pool (公海) / gives it back. */
  claim: (tenant: string, object: string, id: string) => api<RecordData>('POST', `${base(tenant, object)}/${id}/claim`),
  release: (tenant: string, object: string, id: string) => api<RecordData>('POST', `${base(tenant, object)}/${id}/release`),
  history: (tenant: string, object: string, id: string) => api<{ entries: HistoryEntry[] }>('GET', `${base(tenant, object)}/${id}/history`),
  bulk: (tenant: string, object: string, body: { update?: { id: string; version: number; values: Record<string, unknown> }[]; delete?: string[] }) =>
    api<{ updated: RecordData[]; deleted: number }>('POST', `${base(tenant, object)}/bulk`, { body }),
};

export const recordsKey = (tenant: string, object: string) => ['records', tenant, object] as const;

/** A page of records; the previous page stays on screen while the next loads. */
export function useRecords(tenant: string, object: string, q: QueryOptions, enabled = true) {
  return useQuery({
    queryKey: [...recordsKey(tenant, object), q],
    queryFn: ({ signal }) => recordApi.query(tenant, object, q, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useRecord(tenant: string, object: string, id: string | undefined) {
  return useQuery({
    queryKey: [...recordsKey(tenant, object), 'one', id],
    queryFn: () => recordApi.get(tenant, object, id as string),
    enabled: id !== undefined,
  });
}
