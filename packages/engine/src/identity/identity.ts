import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { platformTables, systemTables } from '../db/tables';
import type { Tenant } from '../tenant/tenants';

export type TenantRole = 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
}

export interface Principal {
  user: User;
  /** Set when authenticated by an API token, which is bound to one tenant. */
  tokenTenantId?: string;
  /** Set for cookie sessions: unsafe requests must echo it in `x-csrf-token`. */
  csrfToken?: string;
}

/** What a tenant admin learns when inviting an e-mail: the same shape whether the account existed or not. */
export interface Invitation {
  /** `id` only for someone already active in the tenant: an invitee's account id (a v7 uuid, dated) would tell a new account from an old one. */
  user: { id?: string; email: string };
  role: TenantRole;
  status: 'invited' | 'active';
  /** Handed to the invitee out of band; accepting needs it and the invitee's own sign-in. */
  invitationCode?: string;
}

export const lockout = { maxFailures: 5, lockMinutes: 15 };
export const invitationDays = 14;
const sessionDays = 7;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function toUser(r: Record<string, unknown>): User {
  return { id: r.id as string, email: r.email as string, name: r.name as string, platformAdmin: r.platform_admin as boolean };
}

const badPassword = (p: unknown) => typeof p !== 'string' || p.length < 8 || p.length > 200;
const badName = (n: unknown) => typeof n !== 'string' || !n.trim() || n.length > 100;

/** Checks an account's e-mail, password and name (each problem on its field); returns the e-mail as stored. */
function checkAccount(input: { email: unknown; password?: unknown; name?: unknown }, need: { passwordRequired: boolean; nameRequired: boolean }): string {
  const email = String(input.email ?? '')
    .trim()
    .toLowerCase();
  const problems = [];
  if (!emailPattern.test(email) || email.length > 254)
    problems.push({ code: 'VALIDATION_FAILED' as const, field: 'email', message: 'must be an email address' });
  if ((need.passwordRequired || input.password !== undefined) && badPassword(input.password))
    problems.push({ code: 'VALIDATION_FAILED' as const, field: 'password', message: 'must be 8 to 200 characters' });
  if ((need.nameRequired || input.name !== undefined) && badName(input.name))
    problems.push({ code: 'VALIDATION_FAILED' as const, field: 'name', message: 'must be 1 to 100 characters' });
  if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
  return email;
}

/** Users, tenant memberships, sessions and API tokens (the `platform` schema). */
export class IdentityService {
  constructor(private readonly db: Db) {}

  async createUser(input: { email: string; name: string; password: string; platformAdmin?: boolean }): Promise<User> {
    const email = checkAccount(input, { passwordRequired: true, nameRequired: true });
    const exists = await platformTables(this.db).selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
    if (exists) throw new AppError('NAME_DUPLICATE', { field: 'email' });
    const row = await platformTables(this.db)
      .insertInto('user')
      .values({ id: uuidv7(), email, name: input.name.trim(), password_hash: await hash(input.password), platform_admin: input.platformAdmin ?? false })
      .returning(['id', 'email', 'name', 'platform_admin'])
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async findUserByEmail(email: string): Promise<User | undefined> {
    const row = await platformTables(this.db)
      .selectFrom('user')
      .select(['id', 'email', 'name', 'platform_admin'])
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  /**
   * Sets a user's password (the operator's reset): ends every session and revokes every API
   * token of that user, and lifts a lockout, in one transaction.
   */
  async setPassword(email: string, password: string): Promise<void> {
    if (badPassword(password))
      throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field: 'password', message: 'must be 8 to 200 characters' }]);
    const normalised = email.trim().toLowerCase();
    const passwordHash = await hash(password);
    await this.db.transaction().execute(async (trx) => {
      const p = platformTables(trx);
      const row = await p
        .updateTable('user')
        .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null })
        .where('email', '=', normalised)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new AppError('RECORD_NOT_FOUND', { object: 'user', email });
      await p.deleteFrom('session').where('user_id', '=', row.id).execute();
      await p.updateTable('api_token').set({ revoked_at: sql`now()` }).where('user_id', '=', row.id).where('revoked_at', 'is', null).execute();
      await p.deleteFrom('sign_in_failure').where('email_hash', '=', sha256(normalised)).execute();
    });
  }

  /** Adds a user to a tenant (and to the tenant's `_user` table, which user fields point at). */
  async addMember(tenant: Tenant, user: User, role: TenantRole): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await platformTables(trx)
        .insertInto('membership')
        .values({ user_id: user.id, tenant_id: tenant.id, role, status: 'active' })
        .onConflict((oc) => oc.columns(['user_id', 'tenant_id']).doUpdateSet({ role, status: 'active', invite_hash: null }))
        .execute();
      await systemTables(trx, tenant.schema)
        .insertInto('_user')
        .values({ id: user.id, name: user.name, email: user.email })
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: user.name, email: user.email }))
        .execute();
    });
  }

  /**
   * A tenant admin adds an e-mail to their tenant: never a way into someone else's account. The
   * member starts as 'invited' (no access) and becomes active only when the account's owner,
   * signed in with their own password, accepts with the returned code. A new e-mail gets an
   * account (with `password` if given, else none until one is set); an existing account keeps
   * its password, name and other tenants to itself. Both answer alike, so the admin cannot tell
   * whether the e-mail was known. Someone already active in the tenant just gets the new role.
   */
  async invite(tenant: Tenant, input: { email: string; name?: string; password?: string }, role: TenantRole): Promise<Invitation> {
    const email = checkAccount(input, { passwordRequired: false, nameRequired: false });
    // Hashed whether or not it is used, so a known e-mail does not answer faster.
    const passwordHash = await hash(input.password ?? randomBytes(16).toString('hex'));
    const code = randomBytes(24).toString('base64url');
    return this.db.transaction().execute(async (trx) => {
      const p = platformTables(trx);
      let user = await p.selectFrom('user').select('id').where('email', '=', email).executeTakeFirst();
      if (!user) {
        user = await p
          .insertInto('user')
          .values({ id: uuidv7(), email, name: input.name?.trim() || email, password_hash: input.password === undefined ? null : passwordHash })
          .onConflict((oc) => oc.column('email').doNothing())
          .returning('id')
          .executeTakeFirst();
        user ??= await p.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      }
      const id = user.id as string;
      const active = await p
        .updateTable('membership')
        .set({ role })
        .where('user_id', '=', id)
        .where('tenant_id', '=', tenant.id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(active.numUpdatedRows)) return { user: { id, email }, role, status: 'active' as const };
      const invited = { role, status: 'invited' as const, invite_hash: sha256(code), invited_at: sql<string>`now()` };
      await p
        .insertInto('membership')
        .values({ user_id: id, tenant_id: tenant.id, ...invited })
        .onConflict((oc) => oc.columns(['user_id', 'tenant_id']).doUpdateSet(invited))
        .execute();
      return { user: { email }, role, status: 'invited' as const, invitationCode: code };
    });
  }

  /** The signed-in user accepts an invitation with its code; a wrong, used or stale code is not found. */
  async acceptInvitation(user: User, code: string): Promise<{ tenant: { slug: string; name: string }; role: TenantRole }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await platformTables(trx)
        .selectFrom('membership as m')
        .innerJoin('tenant as t', 't.id', 'm.tenant_id')
        .select(['t.id', 't.slug', 't.name', 't.schema', 'm.role'])
        .where('m.user_id', '=', user.id)
        .where('m.status', '=', 'invited')
        .where('m.invite_hash', '=', sha256(String(code ?? '')))
        .where('m.invited_at', '>', sql<string>`now() - ${`${invitationDays} days`}::interval`)
        .executeTakeFirst();
      if (!row) throw new AppError('RECORD_NOT_FOUND', { object: 'invitation' });
      await platformTables(trx)
        .updateTable('membership')
        .set({ status: 'active', invite_hash: null })
        .where('user_id', '=', user.id)
        .where('tenant_id', '=', row.id as string)
        .execute();
      await systemTables(trx, row.schema)
        .insertInto('_user')
        .values({ id: user.id, name: user.name, email: user.email })
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: user.name, email: user.email }))
        .execute();
      return { tenant: { slug: row.slug as string, name: row.name as string }, role: row.role as TenantRole };
    });
  }

  async role(userId: string, tenantId: string): Promise<TenantRole | undefined> {
    const row = await platformTables(this.db)
      .selectFrom('membership')
      .select('role')
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return row?.role as TenantRole | undefined;
  }

  /** The tenant roles (admin or member) of the given users in one tenant. */
  async tenantRoles(tenantId: string, userIds: string[]): Promise<Map<string, TenantRole>> {
    if (!userIds.length) return new Map();
    const rows = await platformTables(this.db)
      .selectFrom('membership')
      .select(['user_id', 'role'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', 'in', userIds)
      .where('status', '=', 'active')
      .execute();
    return new Map(rows.map((r) => [r.user_id as string, r.role as TenantRole]));
  }

  /** The tenants a user is an active member of (only `onlyTenantId`, when given: a token's view). */
  async tenantsOf(userId: string, onlyTenantId?: string): Promise<{ slug: string; name: string; role: TenantRole }[]> {
    let q = platformTables(this.db)
      .selectFrom('membership as m')
      .innerJoin('tenant as t', 't.id', 'm.tenant_id')
      .select(['t.slug', 't.name', 'm.role'])
      .where('m.user_id', '=', userId)
      .where('m.status', '=', 'active');
    if (onlyTenantId) q = q.where('t.id', '=', onlyTenantId);
    const rows = await q.orderBy('t.slug').execute();
    return rows as { slug: string; name: string; role: TenantRole }[];
  }

  /**
   * Checks a password. Wrong passwords count, per e-mail; after `lockout.maxFailures` in a row the
   * e-mail is locked for `lockout.lockMinutes` (ACCOUNT_LOCKED), whatever password is tried. An
   * unknown e-mail is counted and locked exactly like a known one, and the same error answers an
   * unknown e-mail and a wrong password, so which e-mails have accounts cannot be told.
   */
  async login(email: string, password: string): Promise<{ user: User; sessionToken: string; csrfToken: string }> {
    const normalised = String(email ?? '')
      .trim()
      .toLowerCase();
    const key = sha256(normalised);
    const p = platformTables(this.db);
    const failure = await p.selectFrom('sign_in_failure').select('locked_until').where('email_hash', '=', key).executeTakeFirst();
    if (failure?.locked_until && new Date(failure.locked_until as string) > new Date()) throw new AppError('ACCOUNT_LOCKED', {});
    const row = await p
      .selectFrom('user')
      .select(['id', 'email', 'name', 'platform_admin', 'password_hash'])
      .where('email', '=', normalised)
      .executeTakeFirst();
    let ok = false;
    if (row?.password_hash) ok = await verify(row.password_hash as string, String(password ?? ''));
    else await hash(String(password ?? 'x')); // as slow as checking a real password
    if (!row || !ok) {
      const counted = await p
        .insertInto('sign_in_failure')
        .values({ email_hash: key, failures: 1, locked_until: null, last_failed_at: sql`now()` })
        .onConflict((oc) => oc.column('email_hash').doUpdateSet({ failures: sql`sign_in_failure.failures + 1`, last_failed_at: sql`now()` }))
        .returning('failures')
        .executeTakeFirstOrThrow();
      const lock = Number(counted.failures) >= lockout.maxFailures;
      if (lock)
        await p
          .updateTable('sign_in_failure')
          .set({ failures: 0, locked_until: sql`now() + ${`${lockout.lockMinutes} minutes`}::interval` })
          .where('email_hash', '=', key)
          .execute();
      // Counters of e-mails nobody has tried for a day are forgotten (the table stays small).
      await p.deleteFrom('sign_in_failure').where('last_failed_at', '<', sql<string>`now() - interval '1 day'`).execute();
      throw lock ? new AppError('ACCOUNT_LOCKED', {}) : new AppError('UNAUTHENTICATED', { reason: 'bad credentials' });
    }
    await p.deleteFrom('sign_in_failure').where('email_hash', '=', key).execute();
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await p
      .insertInto('session')
      .values({ id_hash: sha256(sessionToken), user_id: row.id as string, csrf_token: csrfToken, expires_at: sql`now() + ${`${sessionDays} days`}::interval` })
      .execute();
    return { user: toUser(row), sessionToken, csrfToken };
  }

  async logout(sessionToken: string): Promise<void> {
    await platformTables(this.db).deleteFrom('session').where('id_hash', '=', sha256(sessionToken)).execute();
  }

  async fromSession(sessionToken: string): Promise<Principal | undefined> {
    const row = await platformTables(this.db)
      .selectFrom('session as s')
      .innerJoin('user as u', 'u.id', 's.user_id')
      .select(['u.id', 'u.email', 'u.name', 'u.platform_admin', 's.csrf_token'])
      .where('s.id_hash', '=', sha256(sessionToken))
      .where('s.expires_at', '>', sql<string>`now()`)
      .executeTakeFirst();
    return row ? { user: toUser(row), csrfToken: row.csrf_token as string } : undefined;
  }

  /** Creates an API token for one tenant. The secret is returned once; only its hash is kept. */
  async createToken(user: User, tenant: Tenant, name: string): Promise<{ id: string; token: string; prefix: string }> {
    if (typeof name !== 'string' || !name.trim() || name.length > 100)
      throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field: 'name', message: 'must be 1 to 100 characters' }]);
    const prefix = randomBytes(4).toString('hex');
    const token = `tg_${prefix}_${randomBytes(32).toString('base64url')}`;
    const id = uuidv7();
    await platformTables(this.db)
      .insertInto('api_token')
      .values({ id, token_hash: sha256(token), prefix, name: name.trim(), user_id: user.id, tenant_id: tenant.id })
      .execute();
    return { id, token, prefix };
  }

  async listTokens(userId: string, tenantId: string) {
    return platformTables(this.db)
      .selectFrom('api_token')
      .select(['id', 'prefix', 'name', 'created_at', 'last_used_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .execute();
  }

  async revokeToken(userId: string, tenantId: string, id: string): Promise<void> {
    const res = await platformTables(this.db)
      .updateTable('api_token')
      .set({ revoked_at: sql`now()` })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!Number(res.numUpdatedRows)) throw new AppError('RECORD_NOT_FOUND', { object: 'api_token', id });
  }

  async fromToken(token: string): Promise<Principal | undefined> {
    const row = await platformTables(this.db)
      .selectFrom('api_token as k')
      .innerJoin('user as u', 'u.id', 'k.user_id')
      .select(['u.id', 'u.email', 'u.name', 'u.platform_admin', 'k.tenant_id', 'k.id as token_id'])
      .where('k.token_hash', '=', sha256(token))
      .where('k.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return { user: toUser(row), tokenTenantId: row.tenant_id as string };
  }
}
