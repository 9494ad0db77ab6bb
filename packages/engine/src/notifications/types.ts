/** Where a notification leads: a record (`object` name + record id) or a path of the web app. */
export type NotificationLink = { object: string; recordId: string } | { path: string };

/** Who sent it: `automation`, `workflow`, `system`… with the sender's id when it has one. */
export interface NotificationSource {
  type: string;
  id?: string | null;
}

/** One notification of one recipient, as the API returns it. */
export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: NotificationLink | null;
  source: { type: string; id: string | null };
  createdAt: string;
  readAt: string | null;
}

/** What `notify` takes: the same notification for each recipient in `to`. */
export interface NotifyInput {
  /** Member ids; ids that are not active members of the tenant are skipped. */
  to: readonly string[];
  /** What it is about, for preferences and icons: `[a-z][a-z0-9_.-]*` (`deal.at_risk`, `approval.task`). */
  kind: string;
  title: string;
  body?: string | null;
  link?: NotificationLink | null;
  source?: NotificationSource;
  /**
   * The sender's idempotency key: a second `notify` with the same key for the same recipient
   * creates nothing (an at-least-once sender creates one notification per recipient).
   */
  key?: string | null;
}

/** What a subscriber of the live stream is told. */
export type NotificationEvent =
  | { type: 'notification'; notification: Notification }
  /** Some of the user's notifications were marked read (in another tab, say). */
  | { type: 'read' }
  /** Events may have been missed (the listening connection was lost): read the list again. */
  | { type: 'resync' };

/** Per-user channel preferences: in-app is always on; e-mail per kind (on unless turned off). */
export interface NotificationPreferences {
  inApp: true;
  /** Every kind the user received or set, with whether it is also e-mailed. */
  email: Record<string, boolean>;
  /** What a kind not listed gets. */
  emailDefault: boolean;
}

export interface ListOptions {
  unreadOnly?: boolean;
  /** The `nextBefore` of the previous page: only notifications older than this id. */
  before?: string;
  /** 1–100, default 20. */
  limit?: number;
}

export interface NotificationPage {
  notifications: Notification[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}
