import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { components } from './schema';

export type MailSettingsAnswer = components['schemas']['MailSettingsAnswer'];
export type MailSettingsInput = components['schemas']['MailSettingsInput'];
export type SentMail = components['schemas']['SentMail'];

export const mailQueries = {
  /** The tenant's SMTP settings (never the password) and where its mail goes now. */
  settings: (tenant: string) =>
    queryOptions({
      queryKey: keys.mailSettings(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/mail/settings', { params: { path: { tenant } }, signal })),
    }),
};

/** Saves the settings; the answer replaces the cached one. */
export function useSaveMailSettings(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: MailSettingsInput) => unwrap(client.PUT('/api/v1/t/{tenant}/mail/settings', { params: { path: { tenant } }, body })),
    onSuccess: (answer) => qc.setQueryData(keys.mailSettings(tenant), answer),
  });
}

export function useDeleteMailSettings(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/t/{tenant}/mail/settings', { params: { path: { tenant } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.mailSettings(tenant) }),
  });
}

export function useSendTestMail(tenant: string) {
  return useMutation({
    mutationFn: (to: string) => unwrap(client.POST('/api/v1/t/{tenant}/mail/test', { params: { path: { tenant } }, body: { to } })),
  });
}
