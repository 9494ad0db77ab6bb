import type { Automation, AutomationAction, Recipient } from '@tangram/metadata';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { ObjectModel } from '../model/compile';
import { type RecipientRule, resolveRecipients } from '../notifications/recipients';
import type { NotifyInput } from '../notifications/types';
import { localText as text } from './actions';

// The `notify` action: an in-app notification to the people the action names, about the
// triggering record, sent once per (event, action) whatever the number of attempts.

/** What the notify action needs of a tenant. */
export interface NotificationSender {
  notify(db: Db, input: NotifyInput): Promise<unknown[]>;
}

/** The record's owner's primary department's head (a `departmentHead` recipient names no department: it is the owner's). */
async function ownersDepartmentHead(db: Db, schema: string, ownerId: unknown): Promise<string[]> {
  if (typeof ownerId !== 'string') return [];
  const { rows } = await sql<{ head_id: string }>`
    select d.head_id from ${sql.id(schema, '_user_department')} ud
    join ${sql.id(schema, '_department')} d on d.id = ud.department_id
    where ud.user_id = ${ownerId} and ud.is_primary and d.head_id is not null`.execute(db);
  return rows.map((r) => r.head_id);
}

/** The metadata's recipients as the notification library's rules (user fields by name, as records are keyed). */
function rulesOf(om: ObjectModel, to: readonly Recipient[]): RecipientRule[] {
  const rules: RecipientRule[] = [];
  for (const r of to) {
    if (r.kind === 'owner') rules.push({ type: 'owner' });
    else if (r.kind === 'ownerManager') rules.push({ type: 'ownerManager' });
    else if (r.kind === 'role' && r.role) rules.push({ type: 'role', role: r.role });
    else if (r.kind === 'users') rules.push({ type: 'users', ids: r.users ?? [] });
    else if (r.kind === 'userField' && r.field) {
      const f = om.byColumn.get(r.field) ?? om.fields.find((x) => x.column === r.field || x.name === r.field);
      if (f) rules.push({ type: 'userField', field: f.name });
    }
  }
  return rules;
}

/** Who the action notifies about `record`: active members only, each once. */
export async function recipientsOf(db: Db, schema: string, om: ObjectModel, to: readonly Recipient[], record: Record<string, unknown>): Promise<string[]> {
  const found = await resolveRecipients(db, schema, rulesOf(om, to), { record });
  if (to.some((r) => r.kind === 'departmentHead')) {
    const heads = await resolveRecipients(db, schema, [{ type: 'users', ids: await ownersDepartmentHead(db, schema, record.owner_id) }]);
    for (const h of heads) if (!found.includes(h)) found.push(h);
  }
  return found;
}

/** What a notification of automation `a` is filed under: `automation.<its name>` (preferences are per kind). */
export function automationKind(a: Automation): string {
  const name = a.name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .slice(0, 50);
  return /^[a-z]/.test(name) ? `automation.${name}` : 'automation';
}

/** Sends the notify action's notification in `trx`; its key makes a repeat create nothing. */
export async function sendNotification(
  trx: Db,
  schema: string,
  sender: NotificationSender,
  args: { automation: Automation; action: AutomationAction; om: ObjectModel; recordId: string; record: Record<string, unknown>; key: string },
): Promise<{ notified: number }> {
  const { automation: a, action, om } = args;
  const to = await recipientsOf(trx, schema, om, action.to ?? [], args.record);
  await sender.notify(trx, {
    to,
    kind: automationKind(a),
    title: text(action.title) ?? text(a.label) ?? a.name,
    body: text(action.body) ?? null,
    link: { object: om.name, recordId: args.recordId },
    source: { type: 'automation', id: a.id },
    key: args.key,
  });
  return { notified: to.length };
}

export { tenantAdmins } from '../notifications/recipients';
