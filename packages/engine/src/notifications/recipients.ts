import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import { platformTables, systemTables } from '../db/tables';
import { uuidPattern } from './input';

/**
 * Who a notification goes to, as data (an automation or approval step stores a list of these):
 * given members, the record's owner, the owner's manager, a department's head, the members of
 * an app role, or the member(s) a user field of the record holds.
 */
export type RecipientRule =
  | { type: 'users'; ids: string[] }
  | { type: 'owner' }
  | { type: 'ownerManager' }
  | { type: 'departmentHead'; departmentId: string }
  | { type: 'role'; role: string }
  | { type: 'userField'; field: string };

export const recipientRuleTypes = ['users', 'owner', 'ownerManager', 'departmentHead', 'role', 'userField'] as const;

/** What the rules are resolved against: the record the notification is about, when there is one. */
export interface RecipientContext {
  record?: Readonly<Record<string, unknown>> | null;
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && uuidPattern.test(x));

/**
 * The manager of a member: the head of their primary department or, when they head it
 * themselves (or it has none), of the nearest department above it that has another head;
 * failing that, the manager set on their profile.
 */
async function managerOf(db: Db, schema: string, userId: string): Promise<string[]> {
  const t = (name: string) => sql.id(schema, name);
  const { rows } = await sql<{ head_id: string }>`
    select d.head_id from ${t('_user_department')} ud
    join ${t('_department')} p on p.id = ud.department_id
    join ${t('_department')} d on p.path like d.path || '%'
    where ud.user_id = ${userId} and ud.is_primary and d.head_id is not null and d.head_id <> ${userId}
    order by length(d.path) desc limit 1`.execute(db);
  if (rows[0]) return [rows[0].head_id];
  const me = await systemTables(db, schema).selectFrom('_user').select('manager_id').where('id', '=', userId).executeTakeFirst();
  return me?.manager_id ? [me.manager_id] : [];
}

type Resolver<R extends RecipientRule> = (db: Db, schema: string, rule: R, ctx: RecipientContext) => Promise<string[]>;

const resolvers: { [T in RecipientRule['type']]: Resolver<Extract<RecipientRule, { type: T }>> } = {
  users: async (_db, _schema, rule) => ids(rule.ids),
  owner: async (_db, _schema, _rule, ctx) => ids(ctx.record?.owner_id),
  ownerManager: async (db, schema, _rule, ctx) => {
    const [owner] = ids(ctx.record?.owner_id);
    return owner ? managerOf(db, schema, owner) : [];
  },
  departmentHead: async (db, schema, rule) => {
    const [id] = ids(rule.departmentId);
    if (!id) return [];
    const d = await systemTables(db, schema).selectFrom('_department').select('head_id').where('id', '=', id).executeTakeFirst();
    return d?.head_id ? [d.head_id] : [];
  },
  role: async (db, schema, rule) => {
    const rows = await systemTables(db, schema).selectFrom('_user_role').select('user_id').where('role', '=', rule.role).orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  },
  userField: async (_db, _schema, rule, ctx) => ids(ctx.record?.[rule.field]),
};

/**
 * The active members the rules name, each once, in the order the rules find them. Members who
 * left (inactive) or ids that are not members of this tenant are dropped; a rule about the
 * record finds nobody when there is no record.
 * @example await resolveRecipients(db, schema, [{ type: 'owner' }, { type: 'ownerManager' }], { record: deal })
 */
export async function resolveRecipients(db: Db, schema: string, rules: readonly RecipientRule[], ctx: RecipientContext = {}): Promise<string[]> {
  const found: string[] = [];
  for (const rule of rules) {
    const resolve = resolvers[rule?.type] as Resolver<RecipientRule> | undefined;
    if (!resolve)
      throw AppError.problems('VALIDATION_FAILED', [
        { code: 'VALIDATION_FAILED', field: 'recipients', message: `unknown recipient rule "${String(rule?.type).slice(0, 40)}"` },
      ]);
    found.push(...(await resolve(db, schema, rule, ctx)));
  }
  const unique = [...new Set(found.map((id) => id.toLowerCase()))];
  if (!unique.length) return [];
  const active = await systemTables(db, schema).selectFrom('_user').select('id').where('id', '=', anyUuid(unique)).where('active', '=', true).execute();
  const keep = new Set(active.map((r) => r.id));
  return unique.filter((id) => keep.has(id));
}

/** The tenant's admins (they are told when an automation's run fails for good). */
export async function tenantAdmins(db: Db, tenantId: string): Promise<string[]> {
  const rows = await platformTables(db)
    .selectFrom('membership')
    .select('user_id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}
