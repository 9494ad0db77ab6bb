import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '@tangram/errors';
import { type OutboundPolicy, checkOutboundHost } from '@tangram/net';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import { platformTables } from '../db/tables';
import type { Jobs } from '../jobs/jobs';
import type { Job } from '../jobs/types';
import { type NotificationChannel, emailDefault } from '../notifications/service';
import { platformSecret } from '../tenant/tenants';
import { type DevMail, type DevMailFilter, clearDevMail, keepDevMail, listDevMail } from './mailbox';
import { type MailSettingsView, checkMailSettings, deleteSettings, isMailAddress, readSettings, smtpSettings, writeSettings } from './settings';
import { type MailMessage, oneLine, sendSmtp } from './smtp';

/** Where a tenant's mail goes: its SMTP server, the dev mailbox, or nowhere (not configured). */
export type MailTransport = 'smtp' | 'dev' | 'none';

/** The tenant a mail is sent for. */
export interface MailTenant {
  id: string;
  schema: string;
}

/** What a send did; `already`: an earlier attempt sent it under the same key, and nothing was sent now. */
export interface SentMail {
  via: 'smtp' | 'dev';
  messageId: string;
  to: string;
  already: boolean;
}

export interface MailerHost {
  db: Db;
  jobs: Jobs;
  /** Keep mail in the dev mailbox when a tenant has no SMTP settings (dev and demo servers, tests). */
  devMailbox: boolean;
  /** The outbound guard's policy (its allowHosts let an admin reach an internal SMTP relay). */
  outbound?: OutboundPolicy;
}

/** The queue that mails notifications to the members whose preferences want them by e-mail. */
export const notificationMailQueue = 'mail.notification';

interface NotificationMailPayload {
  tenant: MailTenant;
  ids: string[];
}

/** The sender of the dev mailbox (it sends nothing). */
const devSender = 'Tangram <noreply@tangram.local>';

/** The same (tenant, key) always gets the same Message-ID: a receiver that drops repeats drops ours. */
const messageIdOf = (tenantId: string, key: string) => `<${createHash('sha256').update(`${tenantId}:${key}`).digest('hex').slice(0, 32)}@tangram.mail>`;

/**
 * E-mail of every tenant (docs/guides/email.md): the tenants' SMTP settings, sending once per
 * idempotency key through the tenant's SMTP server or the dev mailbox, and the e-mail channel of
 * notifications (a job per notifying transaction).
 * @example await engine.mail.sendOnce(tenant.tenant, `invoice:${id}`, { to: 'li@example.com', subject: '发票', text: '…' })
 */
export class Mailer {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly host: MailerHost) {
    host.jobs.register<NotificationMailPayload>(notificationMailQueue, (job) => this.mailNotifications(job), { concurrency: 2 });
  }

  /** Whether mail is kept in the dev mailbox when a tenant has no SMTP settings. */
  get devMailbox(): boolean {
    return this.host.devMailbox;
  }

  private get db(): Db {
    return this.host.db;
  }

  private secret(): Promise<Buffer> {
    this.key ??= platformSecret(this.db, 'mail').catch((e) => {
      this.key = undefined;
      throw e;
    });
    return this.key;
  }

  /** The tenant's SMTP settings without the password (`hasPassword` says whether there is one), or null. */
  settings(tenantId: string): Promise<MailSettingsView | null> {
    return readSettings(this.db, tenantId);
  }

  /**
   * Checks and stores the tenant's SMTP settings: every bad field is reported with its path
   * (MAIL_SETTINGS_INVALID), and the host must pass the outbound guard (OUTBOUND_ADDRESS_REFUSED
   * for a loopback, private, link-local or metadata address unless an admin allows the host).
   */
  async saveSettings(tenantId: string, input: unknown, actor: string | null = null): Promise<MailSettingsView> {
    const s = checkMailSettings(input);
    await checkOutboundHost(s.host, s.port, this.host.outbound);
    return writeSettings(this.db, tenantId, s, await this.secret(), actor);
  }

  /** Removes the tenant's SMTP settings (mail goes to the dev mailbox, if it is on, or nowhere). */
  deleteSettings(tenantId: string): Promise<boolean> {
    return deleteSettings(this.db, tenantId);
  }

  /** Where the tenant's mail goes now. */
  async transport(tenantId: string, db: Db = this.db): Promise<MailTransport> {
    const s = await platformTables(db).selectFrom('mail_settings').select('tenant_id').where('tenant_id', '=', tenantId).executeTakeFirst();
    return s ? 'smtp' : this.host.devMailbox ? 'dev' : 'none';
  }

  /** Sends a test mail (not deduplicated) to `to`, through the tenant's SMTP server or the dev mailbox. */
  async sendTest(tenant: MailTenant, to: unknown): Promise<SentMail> {
    if (!isMailAddress(to))
      throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', path: '/to', field: 'to', message: 'must be an e-mail address' }]);
    const msg = { to, subject: 'Tangram 测试邮件 / test mail', text: '这是一封测试邮件：邮件设置可用。\nThis is a test mail: the mail settings work.' };
    return this.deliver(tenant.id, null, { ...msg, messageId: `<${randomUUID()}@tangram.mail>` });
  }

  /**
   * Sends a message once per (tenant, key): a key already sent sends nothing (`already: true`).
   * At least once at the edge: if the process dies after the SMTP server took the message and
   * before it is recorded, the next attempt sends it again, with the same Message-ID. In the dev
   * mailbox the message and its record are one transaction: exactly once.
   */
  async sendOnce(tenantId: string, key: string, msg: Omit<MailMessage, 'messageId'>): Promise<SentMail> {
    const prior = await platformTables(this.db)
      .selectFrom('mail_sent')
      .select(['via', 'message_id', 'recipient'])
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (prior) return { via: prior.via, messageId: prior.message_id, to: prior.recipient, already: true };
    return this.deliver(tenantId, key, { ...msg, messageId: messageIdOf(tenantId, key) });
  }

  private async deliver(tenantId: string, key: string | null, msg: MailMessage): Promise<SentMail> {
    const now = this.host.jobs.clock.now();
    const smtp = await smtpSettings(this.db, tenantId, await this.secret());
    if (smtp) {
      const { messageId } = await sendSmtp(smtp, msg, this.host.outbound ?? {});
      if (key) await this.record(this.db, tenantId, key, msg, 'smtp', now);
      return { via: 'smtp', messageId, to: msg.to, already: false };
    }
    if (!this.host.devMailbox) throw new AppError('MAIL_NOT_CONFIGURED', { tenant: tenantId });
    const kept = await this.db.transaction().execute(async (trx) => {
      if (key && !(await this.record(trx, tenantId, key, msg, 'dev', now))) return false;
      await keepDevMail(trx, {
        tenantId,
        key,
        messageId: msg.messageId,
        from: devSender,
        to: msg.to,
        subject: oneLine(msg.subject),
        body: msg.text,
        createdAt: now.toISOString(),
      });
      return true;
    });
    return { via: 'dev', messageId: msg.messageId, to: msg.to, already: !kept };
  }

  /** Records a key as sent; false if it already was. */
  private async record(db: Db, tenantId: string, key: string, msg: MailMessage, via: 'smtp' | 'dev', now: Date): Promise<boolean> {
    const r = await platformTables(db)
      .insertInto('mail_sent')
      .values({ tenant_id: tenantId, key, recipient: msg.to, via, message_id: msg.messageId, sent_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The dev mailbox, newest first (platform admins; tests). */
  devMail(filter: DevMailFilter = {}): Promise<DevMail[]> {
    return listDevMail(this.db, filter);
  }

  clearDevMail(tenantId?: string): Promise<number> {
    return clearDevMail(this.db, tenantId);
  }

  /**
   * The e-mail channel of notifications (NotificationService): it takes a new notification when
   * the tenant has somewhere to send mail and its recipient is active, has an address and wants
   * the kind by e-mail — decided in the statement that inserts it — and enqueues one job (in the
   * same transaction) that mails them. Nothing is sent inline.
   */
  notificationChannel(tenant: MailTenant): NotificationChannel {
    return {
      takes: (schema) => {
        const t = (name: string) => sql.id(schema, name);
        const somewhere = this.host.devMailbox ? sql`true` : sql`exists (select 1 from platform.mail_settings ms where ms.tenant_id = ${tenant.id})`;
        return sql<boolean>`(${somewhere} and u.active and u.email is not null
          and coalesce((select p.email from ${t('_notification_preference')} p where p.user_id = ins.user_id and p.kind = ins.kind), ${emailDefault}))`;
      },
      created: async (db, ids) => {
        await this.host.jobs.enqueue<NotificationMailPayload>(db, {
          queue: notificationMailQueue,
          tenantId: tenant.id,
          payload: { tenant, ids },
          maxAttempts: 5,
          backoffMs: 30_000,
        });
      },
    };
  }

  /** Mails each notification of the job once (its key: `notification:<id>`), to members who still want it. */
  private async mailNotifications(job: Job<NotificationMailPayload>): Promise<{ mailed: number }> {
    const { tenant, ids } = job.payload;
    let mailed = 0;
    for (const n of await emailTargets(this.db, tenant.schema, ids)) {
      await this.sendOnce(tenant.id, `notification:${n.id}`, { to: n.email, subject: n.title, text: n.body ?? n.title });
      mailed++;
    }
    return { mailed };
  }
}

/** Of these notifications, those whose recipient is active, has an address and wants the kind by e-mail. */
async function emailTargets(db: Db, schema: string, ids: readonly string[]): Promise<{ id: string; email: string; title: string; body: string | null }[]> {
  const t = (name: string) => sql.id(schema, name);
  const { rows } = await sql<{ id: string; email: string; title: string; body: string | null }>`
    select n.id, u.email, n.title, n.body from ${t('_notification')} n
    join ${t('_user')} u on u.id = n.user_id
    left join ${t('_notification_preference')} p on p.user_id = n.user_id and p.kind = n.kind
    where n.id = ${anyUuid(ids)} and u.active and u.email is not null and coalesce(p.email, ${emailDefault})
    order by n.id`.execute(db);
  return rows;
}
