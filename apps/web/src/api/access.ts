import type { ObjectDef } from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from './http';
import { useMetadata } from './metadata';

export type FieldAccess = 'edit' | 'read' | 'hidden';

/** What the signed-in member may do with one object (`GET /access/me`). */
export interface ObjectAccess {
  create: boolean;
  import: boolean;
  read: boolean;
  update: boolean;
  delete: boolean;
  export: boolean;
  transfer: boolean;
  fields: Record<string, FieldAccess>;
}

export interface MyAccess {
  admin: boolean;
  designer: boolean;
  roles: string[];
  objects: Record<string, ObjectAccess>;
}

/** Nothing allowed: what the UI assumes for an object until the answer arrives (the server decides anyway). */
const nothing: ObjectAccess = { create: false, import: false, read: true, update: false, delete: false, export: false, transfer: false, fields: {} };

/** The caller's rights per object, refetched with each published revision (new objects, new fields). */
export function useMyAccess(tenant: string) {
  const md = useMetadata(tenant);
  return useQuery({
    queryKey: ['access-me', tenant, md.data?.revision ?? 0],
    queryFn: () => api<MyAccess>('GET', `/t/${tenant}/access/me`),
    staleTime: 30_000,
    enabled: md.data !== undefined,
  });
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
