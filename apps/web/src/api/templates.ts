import { useQuery } from '@tanstack/react-query';
import { api, csrfHeaders, errorFrom } from './http';

/** A package the app market offers (`GET /templates`). */
export interface MarketPackage {
  name: string;
  version: string;
  label: Record<string, string> | string;
  description: Record<string, string> | string | null;
  dependencies: Record<string, string>;
  objects: number;
  sampleRecords: number;
}

export interface InstalledPackage {
  name: string;
  version: string;
  installedAt: string;
}

export interface Conflict {
  path: string;
  base: unknown;
  yours: unknown;
  template: unknown;
}

export interface InstallResult {
  installed: { name: string; version: string; from: string | null }[];
  unchanged: string[];
  revision: number | null;
  records: number;
}

export type InstallProgress = { phase: 'publish' } | { phase: 'sample-data'; done: number; total: number };

export const marketKey = ['market'] as const;
export const installedKey = (tenant: string) => ['templates', tenant] as const;

export function useMarket() {
  return useQuery({ queryKey: marketKey, queryFn: () => api<{ templates: MarketPackage[] }>('GET', '/templates'), staleTime: 60_000 });
}

export function useInstalled(tenant: string) {
  return useQuery({ queryKey: installedKey(tenant), queryFn: () => api<{ installed: InstalledPackage[] }>('GET', `/t/${tenant}/templates`) });
}

/**
 * Installs or upgrades a package, telling `onProgress` where it is: the server streams one JSON
 * line per step (NDJSON) once the plan is made and ends with the result or the error. Errors found
 * while planning (TEMPLATE_CONFLICT with its list) come back as a plain error response.
 */
export async function installTemplate(
  tenant: string,
  body: { name: string; sampleData: boolean; onConflict?: 'keep-mine' | 'take-theirs' },
  onProgress: (p: InstallProgress) => void,
): Promise<InstallResult> {
  const res = await fetch(`/api/v1/t/${tenant}/templates/install`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson', ...csrfHeaders() },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const text = await res.text();
    throw errorFrom(res.status, text ? JSON.parse(text) : undefined, res.statusText);
  }
  if (!res.headers.get('content-type')?.includes('ndjson') || !res.body) return (await res.json()) as InstallResult;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += value ?? '';
    const lines = buffer.split('\n');
    buffer = done ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as { progress?: InstallProgress; result?: InstallResult; error?: unknown };
      if (msg.progress) onProgress(msg.progress);
      else if (msg.result) return msg.result;
      else if (msg.error) throw errorFrom(500, msg, 'install failed');
    }
    if (done) throw errorFrom(500, undefined, 'the install ended without an answer');
  }
}

/** Downloads an installed package, as it is in the tenant now, as `<name>-<version>.json`. */
export async function exportTemplate(tenant: string, name: string): Promise<void> {
  const pkg = await api<{ manifest: { name: string; version: string } }>('GET', `/t/${tenant}/templates/${name}/export`);
  const blob = new Blob([JSON.stringify(pkg, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${pkg.manifest.name}-${pkg.manifest.version}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
