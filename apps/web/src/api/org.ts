import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { AddMemberBody, OrgMember } from './types';

export type { Added, Department, OrgMember } from './types';

/** Members of the tenant (`GET /org/members`): a search, a page, or the members with given ids. */
export const listMembers = (tenant: string, query: { limit?: number; offset?: number; q?: string; ids?: string[] }, signal?: AbortSignal) =>
  unwrap(client.GET('/api/v1/t/{tenant}/org/members', { params: { path: { tenant }, query: { ...query, ids: query.ids?.join(',') } }, signal }));

export const orgQueries = {
  departments: (tenant: string) =>
    queryOptions({
      queryKey: keys.departments(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/org/departments', { params: { path: { tenant } }, signal })),
      staleTime: 60_000,
    }),
  /** A page of the members page's list (the previous page stays on screen while the next loads). */
  membersPage: (tenant: string, q: string, page: number, pageSize: number) =>
    queryOptions({
      queryKey: keys.membersPage(tenant, q, page),
      queryFn: ({ signal }) => listMembers(tenant, { limit: pageSize, offset: (page - 1) * pageSize, q: q || undefined }, signal),
      placeholderData: keepPreviousData,
    }),
  /** Members whose name or e-mail matches `q` (a people picker's choices). */
  search: (tenant: string, q: string) =>
    queryOptions({
      queryKey: keys.memberSearch(tenant, q),
      queryFn: ({ signal }) => listMembers(tenant, { limit: 20, q: q || undefined }, signal),
      staleTime: 30_000,
      placeholderData: keepPreviousData,
    }),
  /** One member by id, through `load` (which batches ids asked for together). */
  member: (tenant: string, id: string | null | undefined, load: (tenant: string, id: string) => Promise<OrgMember | null>) =>
    queryOptions({ queryKey: keys.member(tenant, id), queryFn: () => load(tenant, id as string), staleTime: 5 * 60_000 }),
};

/** Adds (platform admin) or invites (tenant admin) a member; the members list is refetched once someone was added. */
export function useAddMember(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AddMemberBody) => unwrap(client.POST('/api/v1/t/{tenant}/members', { params: { path: { tenant } }, body })),
    onSuccess: (added) => (added.status === 'invited' ? undefined : qc.invalidateQueries({ queryKey: keys.members(tenant) })),
  });
}
