import { AppError } from '@tangram/errors';
import { type RawBuilder, sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import { systemTables } from '../db/tables';
import { type NotificationHub, notificationChannel } from './hub';
import { checkNotify, checkPage, checkPreferences, checkReadIds, checkUserId } from './input';
import { type RecipientContext, type RecipientRule, resolveRecipients } from './recipients';
import { type NotificationRow, toNotification } from './row';
import type { ListOptions, Notification, NotificationEvent, NotificationPage, NotificationPreferences, NotifyInput } from './types';

/** E-mail is on for a kind unless the user turned it off. */
export const emailDefault = true;

/**
 * A channel besides the in-app one (e-mail). `takes`: which new notifications it takes, as a
 * condition on the inserted row `ins` (and the recipient `u`), evaluated in the statement that
 * inserts them, so that asking costs no statement of its own. `created`: told of them inside the
 * transaction that created them (the e-mail channel enqueues its job there: it exists exactly
 * when they do).
 */
export interface NotificationChannel {
  takes(schema: string): RawBuilder<boolean>;
  created(db: Db, ids: string[]): Promise<void>;
}

/**
 * A tenant's in-app notification centre: notify members (inside the caller's transaction, once
 * per idempotency key), list a member's notifications newest first, count and mark them read,
 * their channel preferences, resolve recipient rules, and subscribe to them live.
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await tenant.notifications.notify(trx, { to: [deal.owner_id], kind: 'deal.at_risk', title: '大额商机 7 天未跟进', link: { object: 'opportunity', recordId: deal.id }, source: { type: 'automation', id: rule.id }, key: `${rule.id}:${deal.id}:${episode}` })
 * })
 */
export class NotificationService {
  constructor(
    private readonly db: Db,
    private readonly schema: string,
    private readonly hub: NotificationHub,
    private readonly channel?: NotificationChannel,
  ) {}

  private t(name: string) {
    return sql.id(this.schema, name);
  }

  /**
   * Creates the notification for each recipient in `to` that is an active member, in `db` (pass
   * the caller's transaction: the notifications, and their live delivery, exist exactly when it
   * commits). A recipient who already has one with the same `key` gets nothing new. Returns the
   * notifications created.
   */
  async notify(db: Db, input: NotifyInput): Promise<Notification[]> {
    const n = checkNotify(input);
    if (!n.to.length) return [];
    const ids = n.to.map(() => uuidv7());
    const link = n.link ? JSON.stringify(n.link) : null;
    const { rows } = await sql<NotificationRow & { _sent: string; _channel: boolean }>`
      with ins as (
        insert into ${this.t('_notification')} (id, user_id, kind, title, body, link, source_type, source_id, key)
        select v.id, v.user_id, ${n.kind}, ${n.title}, ${n.body}, ${link}::jsonb, ${n.source.type}, ${n.source.id}, ${n.key}
        from unnest(${ids}::uuid[], ${n.to}::uuid[]) as v(id, user_id)
        join ${this.t('_user')} u on u.id = v.user_id and u.active
        on conflict (user_id, key) where key is not null do nothing
        returning *)
      select ins.*, pg_notify(${notificationChannel}, json_build_object('s', ${this.schema}::text, 'u', ins.user_id, 'id', ins.id)::text)::text as _sent,
        ${this.channel ? this.channel.takes(this.schema) : sql`false`} as _channel
      from ins join ${this.t('_user')} u on u.id = ins.user_id order by ins.id`.execute(db);
    const taken = rows.filter((r) => r._channel).map((r) => r.id);
    if (taken.length && this.channel) await this.channel.created(db, taken);
    return rows.map(toNotification);
  }

  /** A member's notifications, newest first, a page at a time (`before`: the previous page's `nextBefore`). */
  async list(userId: string, opts: ListOptions = {}): Promise<NotificationPage> {
    const user = checkUserId(userId);
    const { before, limit } = checkPage(opts);
    let q = systemTables(this.db, this.schema).selectFrom('_notification').selectAll().where('user_id', '=', user);
    if (opts.unreadOnly) q = q.where('read_at', 'is', null);
    if (before) q = q.where('id', '<', before);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit).map(toNotification);
    return { notifications: page, nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
  }

  async unreadCount(userId: string): Promise<number> {
    const user = checkUserId(userId);
    const row = await systemTables(this.db, this.schema)
      .selectFrom('_notification')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('user_id', '=', user)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks the member's own notifications read (given ids, or all); returns how many were unread. */
  async markRead(userId: string, which: readonly string[] | 'all'): Promise<number> {
    const user = checkUserId(userId);
    const ids = checkReadIds(which);
    if (ids !== 'all' && !ids.length) return 0;
    const only = ids === 'all' ? sql`` : sql`and id = ${anyUuid(ids)}`;
    const announce = JSON.stringify({ s: this.schema, u: user, read: true });
    const { rows } = await sql<{ n: number }>`
      with upd as (
        update ${this.t('_notification')} set read_at = now()
        where user_id = ${user} and read_at is null ${only}
        returning 1)
      select count(*)::int as n, case when count(*) > 0 then pg_notify(${notificationChannel}, ${announce})::text end as _sent from upd`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** The member's channel preferences: in-app always; e-mail per kind they received or set. */
  async preferences(userId: string): Promise<NotificationPreferences> {
    const user = checkUserId(userId);
    const s = systemTables(this.db, this.schema);
    const received = await s.selectFrom('_notification').select('kind').distinct().where('user_id', '=', user).execute();
    const set = await s.selectFrom('_notification_preference').select(['kind', 'email']).where('user_id', '=', user).execute();
    const email: Record<string, boolean> = {};
    for (const { kind } of received) email[kind] = emailDefault;
    for (const p of set) email[p.kind] = p.email;
    return { inApp: true, email: Object.fromEntries(Object.entries(email).sort(([a], [b]) => a.localeCompare(b))), emailDefault };
  }

  /** Turns e-mail on or off per kind (`{ email: { 'deal.at_risk': false } }`); kinds not named keep theirs. */
  async setPreferences(userId: string, input: unknown): Promise<NotificationPreferences> {
    const user = checkUserId(userId);
    const email = checkPreferences(input);
    const member = await systemTables(this.db, this.schema).selectFrom('_user').select('id').where('id', '=', user).executeTakeFirst();
    if (!member) throw new AppError('RECORD_NOT_FOUND', { object: 'user', id: user });
    const rows = Object.entries(email).map(([kind, on]) => ({ user_id: user, kind, email: on, updated_at: new Date().toISOString() }));
    if (rows.length)
      await systemTables(this.db, this.schema)
        .insertInto('_notification_preference')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['user_id', 'kind']).doUpdateSet((eb) => ({ email: eb.ref('excluded.email'), updated_at: eb.ref('excluded.updated_at') })),
        )
        .execute();
    return this.preferences(user);
  }

  /** Of these members, the active ones who want `kind` by e-mail too (for a mail sender). */
  async emailRecipients(userIds: readonly string[], kind: string): Promise<string[]> {
    const ids = [...new Set(userIds.map((id, i) => checkUserId(id, `userIds/${i}`)))];
    if (!ids.length) return [];
    const rows = await systemTables(this.db, this.schema)
      .selectFrom('_user as u')
      .leftJoin('_notification_preference as p', (j) => j.onRef('p.user_id', '=', 'u.id').on('p.kind', '=', kind))
      .select('u.id')
      .where('u.id', '=', anyUuid(ids))
      .where('u.active', '=', true)
      .where((eb) => eb.fn.coalesce('p.email', sql<boolean>`${emailDefault}`), '=', true)
      .execute();
    const keep = new Set(rows.map((r) => r.id));
    return ids.filter((id) => keep.has(id));
  }

  /**
   * The active members recipient rules name (see RecipientRule), to pass as `to`.
   * @example const to = await tenant.notifications.recipients([{ type: 'owner' }, { type: 'ownerManager' }], { record })
   */
  recipients(rules: readonly RecipientRule[], ctx: RecipientContext = {}, db: Db = this.db): Promise<string[]> {
    return resolveRecipients(db, this.schema, rules, ctx);
  }

  /** Live events of one member in this tenant (see NotificationHub.subscribe). */
  subscribe(userId: string, listener: (e: NotificationEvent) => void): Promise<() => void> {
    return this.hub.subscribe(this.schema, checkUserId(userId), listener);
  }
}
