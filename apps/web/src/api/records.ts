import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { isOneRecordKey, keys } from './keys';
import type { BulkBody, QueryResult, RecordQuery } from './types';
import type { components } from './schema';

export type { QueryResult } from './types';
/** The body of `POST …/records/query`. */
export type QueryOptions = RecordQuery;

/** A record as the API returns it: system columns plus values keyed by field name. */
export type RecordData = components['schemas']['Record'];

/** One entry of a record's history; the document leaves `changes` open: each is a before/after pair. */
export type HistoryEntry = components['schemas']['HistoryEntry'];

const path = (tenant: string, object: string) => ({ tenant, object });
const one = (tenant: string, object: string, id: string) => ({ path: { tenant, object, id } });

export const recordApi = {
  query: (tenant: string, object: string, q: QueryOptions, signal?: AbortSignal): Promise<QueryResult> =>
    unwrap(client.POST('/api/v1/t/{tenant}/objects/{object}/records/query', { params: { path: path(tenant, object) }, body: q, signal })),
  get: (tenant: string, object: string, id: string, signal?: AbortSignal) =>
    unwrap(client.GET('/api/v1/t/{tenant}/objects/{object}/records/{id}', { params: one(tenant, object, id), signal })),
  create: (tenant: string, object: string, values: Record<string, unknown>) =>
    unwrap(client.POST('/api/v1/t/{tenant}/objects/{object}/records', { params: { path: path(tenant, object) }, body: values })),
  update: (tenant: string, object: string, id: string, version: number, values: Record<string, unknown>) =>
    unwrap(
      client.PATCH('/api/v1/t/{tenant}/objects/{object}/records/{id}', {
        params: { ...one(tenant, object, id), header: { 'If-Match': `"${version}"` } },
        body: values,
      }),
    ),
  remove: (tenant: string, object: string, id: string) =>
    unwrap(client.DELETE('/api/v1/t/{tenant}/objects/{object}/records/{id}', { params: one(tenant, object, id) })),
  restore: (tenant: string, object: string, id: string) =>
    unwrap(client.POST('/api/v1/t/{tenant}/objects/{object}/records/{id}/restore', { params: one(tenant, object, id) })),
  /** Takes a record from the object's public pool (公海) / gives it back. */
  claim: (tenant: string, object: string, id: string) =>
    unwrap(client.POST('/api/v1/t/{tenant}/objects/{object}/records/{id}/claim', { params: one(tenant, object, id) })),
  release: (tenant: string, object: string, id: string) =>
    unwrap(client.POST('/api/v1/t/{tenant}/objects/{object}/records/{id}/release', { params: one(tenant, object, id) })),
  history: (tenant: string, object: string, id: string, signal?: AbortSignal) =>
    unwrap(client.GET('/api/v1/t/{tenant}/objects/{object}/records/{id}/history', { params: one(tenant, object, id), signal })),
  bulk: (tenant: string, object: string, body: BulkBody) =>
    unwrap(client.POST('/api/v1/t/{tenant}/objects/{object}/records/bulk', { params: { path: path(tenant, object) }, body })),
};

/**
 * Referenced records fetched together: the ids a page asks for in the same moment (every account
 * of a kanban's cards, every row's lookup) go out as one query per object (`id in […]`), not one
 * request per record. A record the caller may not read (or gone) comes back as null.
 */
const briefBatches = new Map<string, Map<string, { resolve(r: RecordData | null): void; reject(e: unknown): void }[]>>();
const briefChunk = 200;

export function fetchRecordBrief(tenant: string, object: string, id: string): Promise<RecordData | null> {
  const key = JSON.stringify([tenant, object]);
  let batch = briefBatches.get(key);
  if (!batch) {
    const created = new Map<string, { resolve(r: RecordData | null): void; reject(e: unknown): void }[]>();
    briefBatches.set(key, created);
    batch = created;
    setTimeout(() => {
      briefBatches.delete(key);
      void flushBriefs(tenant, object, created);
    }, 0);
  }
  const waiting = batch.get(id) ?? [];
  batch.set(id, waiting);
  return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}

async function flushBriefs(tenant: string, object: string, batch: Map<string, { resolve(r: RecordData | null): void; reject(e: unknown): void }[]>) {
  const ids = [...batch.keys()];
  for (let i = 0; i < ids.length; i += briefChunk) {
    const chunk = ids.slice(i, i + briefChunk);
    try {
      const page = await recordApi.query(tenant, object, { filter: { in: [{ var: 'id' }, chunk] }, limit: chunk.length });
      const byId = new Map(page.records.map((r) => [r.id, r]));
      for (const id of chunk) for (const w of batch.get(id) ?? []) w.resolve(byId.get(id) ?? null);
    } catch (e) {
      for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(e);
    }
  }
}

// --- queries ------------------------------------------------------------------------------------

export const recordQueries = {
  /** A page of records; the previous page stays on screen while the next loads. */
  list: (tenant: string, object: string, q: QueryOptions) =>
    queryOptions({
      queryKey: keys.recordList(tenant, object, q),
      queryFn: ({ signal }) => recordApi.query(tenant, object, q, signal),
      placeholderData: keepPreviousData,
    }),
  one: (tenant: string, object: string, id: string | undefined) =>
    queryOptions({
      queryKey: keys.record(tenant, object, id),
      queryFn: ({ signal }) => recordApi.get(tenant, object, id as string, signal),
      enabled: id !== undefined,
    }),
  /** A referenced record as a lookup shows it: batched with the others asked for at once. */
  brief: (tenant: string, object: string, id: string | undefined) =>
    queryOptions({
      queryKey: keys.recordBrief(tenant, object, id ?? ''),
      queryFn: () => fetchRecordBrief(tenant, object, id as string),
      enabled: id !== undefined && object !== '',
      staleTime: 30_000,
    }),
  history: (tenant: string, object: string, id: string) =>
    queryOptions({ queryKey: keys.history(tenant, object, id), queryFn: ({ signal }) => recordApi.history(tenant, object, id, signal) }),
  /** A reference picker's choices: the first records matching a search. */
  picker: (tenant: string, object: string | undefined, search: string) =>
    queryOptions({
      queryKey: keys.picker(tenant, object, search),
      queryFn: ({ signal }) => recordApi.query(tenant, object as string, { search: search || undefined, limit: 20 }, signal),
      enabled: object !== undefined,
    }),
};

export function useRecords(tenant: string, object: string, q: QueryOptions, enabled = true) {
  return useQuery({ ...recordQueries.list(tenant, object, q), enabled });
}

export function useRecord(tenant: string, object: string, id: string | undefined) {
  return useQuery(recordQueries.one(tenant, object, id));
}

// --- writes -------------------------------------------------------------------------------------

/** After a write: every query of the object's records is stale. */
export const invalidateRecords = (qc: QueryClient, tenant: string, object: string) => qc.invalidateQueries({ queryKey: keys.records(tenant, object) });

/** After a write that answered with the record: it is cached as is, the object's other queries are refetched. */
async function settleRecord(qc: QueryClient, tenant: string, object: string, record: RecordData): Promise<void> {
  qc.setQueryData(keys.record(tenant, object, record.id), record);
  await qc.invalidateQueries({ queryKey: keys.records(tenant, object), predicate: (q) => !isOneRecordKey(q.queryKey) });
}

export function useCreateRecord(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (values: Record<string, unknown>) => recordApi.create(tenant, object, values),
    onSuccess: () => invalidateRecords(qc, tenant, object),
  });
}

/** Saves changes to a record read at `version`; a newer version on the server is a RECORD_VERSION_CONFLICT. */
export function useUpdateRecord(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; version: number; values: Record<string, unknown> }) => recordApi.update(tenant, object, v.id, v.version, v.values),
    onSuccess: (record) => settleRecord(qc, tenant, object, record),
  });
}

/**
 * A kanban move: an update with the version the card was read at (a newer one on the server is a
 * RECORD_VERSION_CONFLICT); the object's lists are refetched whatever the answer, so a refused
 * move shows the card where the server has it.
 */
export function useMoveRecord(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; version: number; values: Record<string, unknown> }) => recordApi.update(tenant, object, v.id, v.version, v.values),
    onSettled: () => invalidateRecords(qc, tenant, object),
  });
}

export function useDeleteRecord(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => recordApi.remove(tenant, object, id), onSuccess: () => invalidateRecords(qc, tenant, object) });
}

export function useRestoreRecord(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => recordApi.restore(tenant, object, id), onSuccess: () => invalidateRecords(qc, tenant, object) });
}

/** 公海: takes the record (`claim`) or gives it back (`release`). */
export function usePoolMove(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { kind: 'claim' | 'release'; id: string }) => recordApi[v.kind](tenant, object, v.id),
    onSuccess: (record) => settleRecord(qc, tenant, object, record),
  });
}

/** Several updates and deletions in one request (all or none). */
export function useBulkRecords(tenant: string, object: string) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (body: BulkBody) => recordApi.bulk(tenant, object, body), onSuccess: () => invalidateRecords(qc, tenant, object) });
}
