import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { errorFrom } from './http';
import { keys } from './keys';
import type { InstallBody, InstallLine, InstallProgress, InstallResult } from './types';

export type { Conflict, InstallProgress, InstallResult, InstalledPackage, MarketPackage } from './types';

export const templateQueries = {
  market: () => queryOptions({ queryKey: keys.market(), queryFn: ({ signal }) => unwrap(client.GET('/api/v1/templates', { signal })), staleTime: 60_000 }),
  installed: (tenant: string) =>
    queryOptions({
      queryKey: keys.installed(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/templates', { params: { path: { tenant } }, signal })),
    }),
};

export function useMarket() {
  return useQuery(templateQueries.market());
}

export function useInstalled(tenant: string) {
  return useQuery(templateQueries.installed(tenant));
}

/** Installs or upgrades a package; what it may change is refetched: installed packages, metadata, the draft, every object's records. */
export function useInstallTemplate(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { body: InstallBody; onProgress: (p: InstallProgress) => void }) => installTemplate(tenant, v.body, v.onProgress),
    // Not awaited: the result is shown while what it changed is refetched.
    onSuccess: () => {
      void Promise.all([
        qc.invalidateQueries({ queryKey: keys.installed(tenant) }),
        qc.invalidateQueries({ queryKey: keys.metadata(tenant) }),
        qc.invalidateQueries({ queryKey: keys.draft(tenant) }),
        qc.invalidateQueries({ queryKey: keys.allRecords(tenant) }),
      ]);
    },
  });
}

/**
 * Installs or upgrades a package, telling `onProgress` where it is: the server streams one JSON
 * line per step (NDJSON) once the plan is made and ends with the result or the error. Errors found
 * while planning (TEMPLATE_CONFLICT with its list) come back as a plain error response.
 */
export async function installTemplate(tenant: string, body: InstallBody, onProgress: (p: InstallProgress) => void): Promise<InstallResult> {
  const { data, error, response } = await client.POST('/api/v1/t/{tenant}/templates/install', {
    params: { path: { tenant } },
    body,
    headers: { accept: 'application/x-ndjson' },
    parseAs: 'stream',
  });
  if (!response.ok) throw errorFrom(response.status, error, response.statusText);
  if (!response.headers.get('content-type')?.includes('ndjson') || !data) return (await new Response(data).json()) as InstallResult;
  const reader = data.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += value ?? '';
    const lines = buffer.split('\n');
    buffer = done ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as InstallLine;
      if (msg.progress) onProgress(msg.progress);
      else if (msg.result) return msg.result;
      else if (msg.error) throw errorFrom(500, msg, 'install failed');
    }
    if (done) throw errorFrom(500, undefined, 'the install ended without an answer');
  }
}

/** Downloads an installed package, as it is in the tenant now, as `<name>-<version>.json`. */
export async function exportTemplate(tenant: string, name: string): Promise<void> {
  const pkg = await unwrap(client.GET('/api/v1/t/{tenant}/templates/{name}/export', { params: { path: { tenant, name } } }));
  const blob = new Blob([JSON.stringify(pkg, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${pkg.manifest.name}-${pkg.manifest.version}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
