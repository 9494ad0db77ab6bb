import { AppError } from '@tangram/errors';
import type { AutomationAction } from '@tangram/metadata';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import { systemTables } from '../db/tables';
import type { Mailer } from '../mail/mailer';
import type { ObjectModel } from '../model/compile';
import { fill as fillPlaceholders, localText } from './actions';
import { recipientsOf } from './notify';
import { claimEffect, setEffectResult } from './runs';

// The `email` action: a mail to each person the action names (the same recipients as `notify`),
// about the triggering record, once per (event, action, person) whatever the number of attempts.

/** What the email action needs of the engine's mailer. */
export type EmailSender = Pick<Mailer, 'sendOnce'>;

export interface EmailArgs {
  db: Db;
  tenant: { id: string; schema: string };
  action: AutomationAction;
  om: ObjectModel;
  record: Record<string, unknown>;
  /** The record as `userId` may read it (hidden fields left out; nothing of it when they cannot read it): what their mail shows. */
  seenBy(userId: string): Promise<Record<string, unknown>>;
  /** The action's idempotency key, the effect key (`<event id>:<automation id>:<action id>`, or `sweep:<episode id>:<action id>`). */
  effectKey: string;
  now: Date;
}

/** The members' addresses, in the order given; members without one are left out. */
async function addresses(db: Db, schema: string, ids: string[]): Promise<{ id: string; email: string }[]> {
  if (!ids.length) return [];
  const rows = await systemTables(db, schema).selectFrom('_user').select(['id', 'email']).where('id', '=', anyUuid(ids)).execute();
  const byId = new Map(rows.map((r) => [r.id, r.email]));
  return ids.flatMap((id) => {
    const email = byId.get(id)?.trim();
    return email ? [{ id, email }] : [];
  });
}

/** `{field}` replaced by the value the recipient may read; a field they may not read reads as empty. */
async function filled(a: EmailArgs, userId: string, template: string): Promise<string> {
  const seen = await a.seenBy(userId);
  const blank = Object.fromEntries(Object.keys(a.record).map((k) => [k, '']));
  return fillPlaceholders(template, { ...blank, ...seen });
}

/**
 * Mails `subject` and `body` (locale text, `{field}` replaced by the record's value as the
 * recipient may read it, as in robot messages) to each recipient, one mail each (nobody sees the
 * others' addresses), each under the key `auto:<effect key>:<user id>`: a retry sends only what an
 * earlier attempt did not. Then the action's key is recorded with the counts.
 */
export async function runEmailAction(mail: EmailSender | undefined, a: EmailArgs): Promise<{ value: unknown; already?: boolean }> {
  if (!mail) throw new AppError('MAIL_NOT_CONFIGURED', { tenant: a.tenant.id });
  const to = await recipientsOf(a.db, a.tenant.schema, a.om, a.action.to ?? [], a.record);
  const people = await addresses(a.db, a.tenant.schema, to);
  let sentBefore = 0;
  for (const p of people) {
    const subject = await filled(a, p.id, localText(a.action.subject) ?? '');
    const text = await filled(a, p.id, localText(a.action.body) ?? '');
    const sent = await mail.sendOnce(a.tenant.id, `auto:${a.effectKey}:${p.id}`, { to: p.email, subject, text });
    if (sent.already) sentBefore++;
  }
  const value = { mailed: people.length, withoutAddress: to.length - people.length, ...(sentBefore ? { sentBefore } : {}) };
  await a.db.transaction().execute(async (trx) => {
    if (await claimEffect(trx, a.tenant.schema, a.effectKey, a.now)) await setEffectResult(trx, a.tenant.schema, a.effectKey, value);
  });
  return { value };
}
