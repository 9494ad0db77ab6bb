import { sql } from 'kysely';
import type { Db } from '../db/database';
import { platformTables } from '../db/tables';

// The dev mailbox: on a development or demo server without SMTP settings, mail is kept here
// instead of being sent, newest 1,000 of the installation, for platform admins (and tests) to read.

/** How many messages the dev mailbox keeps (the oldest go first). */
export const devMailboxSize = 1000;

/** A message kept in the dev mailbox. */
export interface DevMail {
  id: number;
  tenantId: string | null;
  /** The sender's idempotency key (null for a test mail). */
  key: string | null;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  body: string;
  createdAt: string;
}

export interface DevMailFilter {
  tenantId?: string;
  /** Only mail to this address (compared without case). */
  to?: string;
  /** 1–200, default 50. */
  limit?: number;
}

/** Keeps a message (in `db`: the caller's transaction) and drops what is beyond the mailbox's size. */
export async function keepDevMail(db: Db, m: Omit<DevMail, 'id'>): Promise<void> {
  await platformTables(db)
    .insertInto('dev_mail')
    .values({
      tenant_id: m.tenantId,
      key: m.key,
      message_id: m.messageId,
      from_address: m.from,
      recipient: m.to,
      subject: m.subject,
      body: m.body,
      created_at: m.createdAt,
    })
    .execute();
  await sql`delete from platform.dev_mail where id <= (select id from platform.dev_mail order by id desc offset ${devMailboxSize} limit 1)`.execute(db);
}

/** The dev mailbox, newest first. */
export async function listDevMail(db: Db, f: DevMailFilter = {}): Promise<DevMail[]> {
  let q = platformTables(db).selectFrom('dev_mail').selectAll();
  if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
  if (f.to) q = q.where(sql`lower(recipient)`, '=', f.to.toLowerCase());
  const rows = await q
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(f.limit ?? 50, 1), 200))
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    tenantId: r.tenant_id,
    key: r.key,
    messageId: r.message_id,
    from: r.from_address,
    to: r.recipient,
    subject: r.subject,
    body: r.body,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Empties the dev mailbox (of one tenant, or all); how many messages went. */
export async function clearDevMail(db: Db, tenantId?: string): Promise<number> {
  let q = platformTables(db).deleteFrom('dev_mail');
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}
