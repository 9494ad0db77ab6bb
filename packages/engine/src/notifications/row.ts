import type { Selectable } from 'kysely';
import type { TenantSystemTables } from '../db/tables';
import type { Notification, NotificationLink } from './types';

export type NotificationRow = Selectable<TenantSystemTables['_notification']>;

/** A stored row as the API shows it. */
export function toNotification(r: NotificationRow): Notification {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    body: r.body,
    link: (r.link as NotificationLink | null) ?? null,
    source: { type: r.source_type, id: r.source_id },
    createdAt: r.created_at,
    readAt: r.read_at,
  };
}
