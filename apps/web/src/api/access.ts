import type { ObjectDef } from '@tangram/metadata';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { client, unwrap } from './client';
import { keys } from './keys';
import { useMetadata } from './metadata';
import type { FieldAccess, ObjectAccess } from './types';

export type { FieldAccess, MyAccess, ObjectAccess, RoleDoc } from './types';

export const accessQueries = {
  /** The caller's rights per object at a published revision (new objects, new fields). */
  me: (tenant: string, revision: number) =>
    queryOptions({
      queryKey: keys.access(tenant, revision),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/access/me', { params: { path: { tenant } }, signal })),
      staleTime: 30_000,
    }),
  roles: (tenant: string) =>
    queryOptions({
      queryKey: keys.roles(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/access/roles', { params: { path: { tenant } }, signal })),
    }),
  /** Names and labels only: what a designer who is no admin may read, to pick roles. */
  roleNames: (tenant: string) =>
    queryOptions({
      queryKey: [...keys.roles(tenant), 'names'],
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/access/role-names', { params: { path: { tenant } }, signal })),
    }),
};

/** Gives a member their app roles (the whole list); the members list is refetched. */
export function useSetRoles(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { userId: string; roles: string[] }) =>
      unwrap(client.PUT('/api/v1/t/{tenant}/access/users/{id}/roles', { params: { path: { tenant, id: v.userId } }, body: { roles: v.roles } })),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.members(tenant) }),
  });
}

/** Nothing allowed: what the UI assumes for an object until the answer arrives (the server decides anyway). */
const nothing: ObjectAccess = { create: false, import: false, read: true, update: false, delete: false, export: false, transfer: false, fields: {} };

/** The caller's rights per object, refetched with each published revision (new objects, new fields). */
export function useMyAccess(tenant: string) {
  const md = useMetadata(tenant);
  return useQuery({ ...accessQueries.me(tenant, md.data?.revision ?? 0), enabled: md.data !== undefined });
}

export function useObjectAccess(tenant: string, object: string | undefined): ObjectAccess {
  const me = useMyAccess(tenant);
  return (object && me.data?.objects[object]) || nothing;
}

export const fieldAccess = (a: ObjectAccess, field: string): FieldAccess => a.fields[field] ?? 'edit';

/**
 * The object as this member sees it: fields their roles hide are left out, so no list, filter,
 * sort, kanban, calendar or form offers them (the server would refuse them with FIELD_FORBIDDEN).
 */
export function useVisibleObject(tenant: string, object: ObjectDef | undefined): ObjectDef | undefined {
  const access = useObjectAccess(tenant, object?.name);
  return useMemo(() => {
    if (!object) return undefined;
    const hidden = new Set(
      Object.entries(access.fields)
        .filter(([, a]) => a === 'hidden')
        .map(([name]) => name),
    );
    return hidden.size ? { ...object, fields: object.fields.filter((f) => !hidden.has(f.name)) } : object;
  }, [object, access]);
}
