import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { client, unwrap } from './client';
import { keys } from './keys';

export type { Notification, NotificationPage } from './types';

const pageSize = 20;

export const notificationQueries = {
  /** How many of the signed-in user's notifications are unread (the bell's badge). */
  unread: (tenant: string) =>
    queryOptions({
      queryKey: keys.unreadNotifications(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/notifications/unread-count', { params: { path: { tenant } }, signal })),
    }),
  /** Their notifications, newest first, a page at a time. */
  list: (tenant: string) =>
    infiniteQueryOptions({
      queryKey: keys.notificationList(tenant),
      initialPageParam: undefined as string | undefined,
      queryFn: ({ signal, pageParam }) =>
        unwrap(client.GET('/api/v1/t/{tenant}/notifications', { params: { path: { tenant }, query: { limit: pageSize, before: pageParam } }, signal })),
      getNextPageParam: (page) => page.nextBefore ?? undefined,
    }),
  /** Their channels: in-app always, e-mail per kind. */
  preferences: (tenant: string) =>
    queryOptions({
      queryKey: keys.notificationPreferences(tenant),
      queryFn: ({ signal }) => unwrap(client.GET('/api/v1/t/{tenant}/notifications/preferences', { params: { path: { tenant } }, signal })),
    }),
};

/** Turns e-mail on or off for kinds; the answer (all preferences) replaces the cached ones. */
export function useSetNotificationPreferences(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (email: Record<string, boolean>) =>
      unwrap(client.PUT('/api/v1/t/{tenant}/notifications/preferences', { params: { path: { tenant } }, body: { email } })),
    onSuccess: (prefs) => qc.setQueryData(keys.notificationPreferences(tenant), prefs),
  });
}

/** Marks notifications read (ids, or 'all'); the badge and the list are read again. */
export function useMarkNotificationsRead(tenant: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[] | 'all') => unwrap(client.POST('/api/v1/t/{tenant}/notifications/read', { params: { path: { tenant } }, body: { ids } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.notifications(tenant) }),
  });
}

/**
 * Keeps the notification queries live while mounted: the server's event stream
 * (`/notifications/stream`) says when something arrived or was read elsewhere, and the badge and
 * list are read again. EventSource reconnects by itself; each (re)connection sends `ready`, which
 * refreshes too, so nothing missed while disconnected stays missing.
 */
export function useNotificationStream(tenant: string): void {
  const qc = useQueryClient();
  useEffect(() => {
    const source = new EventSource(`/api/v1/t/${encodeURIComponent(tenant)}/notifications/stream`);
    const refresh = () => qc.invalidateQueries({ queryKey: keys.notifications(tenant) });
    for (const event of ['ready', 'notification', 'read', 'resync']) source.addEventListener(event, refresh);
    return () => source.close();
  }, [tenant, qc]);
}
