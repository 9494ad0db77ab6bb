import type { Database } from '../db/database';
import { systemTables } from '../db/tables';
import { toNotification } from './row';
import type { NotificationEvent } from './types';

/** The channel notifications and reads are announced on (`pg_notify`, sent in the writing transaction). */
export const notificationChannel = 'tangram_notifications';

/** What is announced: a new notification (`id`) or reads, of user `u` in tenant schema `s`. */
export type Announcement = { s: string; u: string; id: string } | { s: string; u: string; read: true };

type Listener = (e: NotificationEvent) => void;

/**
 * The process's live delivery of notifications. Writers announce with `pg_notify` in their own
 * transaction, so an announcement exists exactly when the notification commits, whichever
 * process wrote it (a `tangram worker` included); the hub LISTENs once for the whole process
 * (one connection on PostgreSQL, the one PGlite connection otherwise), and hands each
 * announcement to the subscribers of that tenant and user only, loading the notification once.
 */
export class NotificationHub {
  private readonly subscribers = new Map<string, Set<Listener>>();
  private listening: Promise<unknown> | undefined;
  /** Announcements are handled one after another, so each user sees them in commit order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /**
   * Calls `listener` with each notification and read of `userId` in the tenant schema, from the
   * moment the returned promise resolves; call the function it resolves with to stop.
   */
  async subscribe(schema: string, userId: string, listener: Listener): Promise<() => void> {
    const key = `${schema}\u0000${userId}`;
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(listener);
    const stop = () => {
      set.delete(listener);
      if (!set.size && this.subscribers.get(key) === set) this.subscribers.delete(key);
    };
    try {
      await this.listen();
    } catch (e) {
      stop();
      throw e;
    }
    return stop;
  }

  /** How many subscriptions are open (all tenants and users). */
  get size(): number {
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  private listen(): Promise<unknown> {
    this.listening ??= this.database
      .listen(notificationChannel, {
        message: (payload) => {
          this.queue = this.queue.then(() => this.deliver(payload)).catch((e) => this.failed(payload, e));
        },
        reset: () => {
          for (const set of this.subscribers.values()) for (const l of set) l({ type: 'resync' });
        },
      })
      .catch((e) => {
        this.listening = undefined;
        throw e;
      });
    return this.listening;
  }

  /** A notification could not be loaded: its subscribers are told to read their list again. */
  private failed(payload: string, e: unknown): void {
    this.onError(e);
    try {
      const a = JSON.parse(payload) as Announcement;
      for (const l of [...(this.subscribers.get(`${a.s}\u0000${a.u}`) ?? [])]) l({ type: 'resync' });
    } catch {
      // Not one of ours: nobody to tell.
    }
  }

  private async deliver(payload: string): Promise<void> {
    const a = JSON.parse(payload) as Announcement;
    const set = this.subscribers.get(`${a.s}\u0000${a.u}`);
    if (!set?.size) return;
    if ('read' in a) {
      for (const l of [...set]) l({ type: 'read' });
      return;
    }
    const row = await systemTables(this.database.db, a.s)
      .selectFrom('_notification')
      .selectAll()
      .where('id', '=', a.id)
      .where('user_id', '=', a.u)
      .executeTakeFirst();
    if (!row) return;
    const notification = toNotification(row);
    for (const l of [...set]) l({ type: 'notification', notification });
  }
}
