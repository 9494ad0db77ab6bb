import type { ObjectInput } from '@tangram/metadata';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { layoutObjectName } from '../api/metadata';
import { recordApi } from '../api/records';
import type { FormLayout } from './form-layout';

/*
 * The metadata language has objects and fields; form layouts are the web app's own metadata.
 * They are kept as records of the tenant object `ui_layout` (key → layout JSON), so they are
 * shared by every user, versioned and audited like any record. Layouts designed before that
 * object is published wait in this browser until the next publish writes them.
 */

/** The object the designer adds to the draft so that layouts can be stored. */
export const layoutObject: ObjectInput = {
  name: layoutObjectName,
  label: { 'zh-CN': '界面布局', en: 'UI layouts' },
  fields: [
    { name: 'key', type: 'text', required: true, unique: true, label: { 'zh-CN': '键', en: 'Key' } },
    { name: 'layout', type: 'json', label: { 'zh-CN': '布局', en: 'Layout' } },
  ],
};

export const formKey = (object: string) => `form:${object}`;
const pendingKey = (tenant: string) => `tangram.pendingLayouts.${tenant}`;

type Pending = Record<string, FormLayout>;

export function pendingLayouts(tenant: string): Pending {
  try {
    return JSON.parse(localStorage.getItem(pendingKey(tenant)) ?? '{}') as Pending;
  } catch {
    return {};
  }
}

function setPending(tenant: string, p: Pending): void {
  if (Object.keys(p).length === 0) localStorage.removeItem(pendingKey(tenant));
  else localStorage.setItem(pendingKey(tenant), JSON.stringify(p));
}

async function findLayout(tenant: string, key: string) {
  const found = await recordApi.query(tenant, layoutObjectName, { filter: { '==': [{ var: 'key' }, key] }, limit: 1 });
  return found.records[0];
}

/** Writes one layout record (creating or updating it). */
export async function writeLayout(tenant: string, key: string, layout: FormLayout): Promise<void> {
  const existing = await findLayout(tenant, key);
  if (existing) await recordApi.update(tenant, layoutObjectName, existing.id, existing.version, { layout });
  else await recordApi.create(tenant, layoutObjectName, { key, layout });
}

/**
 * Saves a layout: written at once when the layout object is published, else kept as pending.
 * Returns whether it is live.
 */
export async function saveLayout(tenant: string, key: string, layout: FormLayout, layoutObjectPublished: boolean): Promise<boolean> {
  if (layoutObjectPublished) {
    await writeLayout(tenant, key, layout);
    const p = pendingLayouts(tenant);
    delete p[key];
    setPending(tenant, p);
    return true;
  }
  setPending(tenant, { ...pendingLayouts(tenant), [key]: layout });
  return false;
}

/** After a publish: writes every pending layout (each one that fails stays pending). */
export async function flushPendingLayouts(tenant: string): Promise<void> {
  const p = pendingLayouts(tenant);
  for (const [key, layout] of Object.entries(p)) {
    await writeLayout(tenant, key, layout);
    delete p[key];
    setPending(tenant, p);
  }
}

export const layoutQueryKey = (tenant: string, key: string) => ['layout', tenant, key] as const;

/** The stored layout for `key`, or null (no layout object yet, or no layout stored). */
export function useStoredLayout(tenant: string, key: string, layoutObjectPublished: boolean) {
  return useQuery({
    queryKey: layoutQueryKey(tenant, key),
    queryFn: async () => ((await findLayout(tenant, key))?.layout as FormLayout | undefined) ?? null,
    enabled: layoutObjectPublished,
    staleTime: 30_000,
  });
}

export function useInvalidateLayouts() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['layout'] });
}
