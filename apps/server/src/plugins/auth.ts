import { AppError } from '@tangram/errors';
import type { Engine, IdentityService, Principal, TenantEngine, TenantRole, UserAccess } from '@tangram/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const sessionCookie = 'tangram_session';

/**
 * Token look-ups are cached for a few seconds per process (a token check would otherwise be a
 * query on every API call). Revoking clears this process's cache at once; other processes see
 * a revocation within `ttlMs`.
 */
class PrincipalCache {
  private readonly entries = new Map<string, { at: number; value: Promise<Principal | undefined> }>();
  constructor(private readonly ttlMs: number) {}
  get(key: string, load: () => Promise<Principal | undefined>): Promise<Principal | undefined> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size > 10_000) this.entries.clear();
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
}
export const tokenCache = new PrincipalCache(5000);
/** Memberships, cached like tokens (a role change reaches other processes within 5 s). */
export const roleCache = new Map<string, { at: number; role: TenantRole | undefined }>();
const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    actor?: string | null;
    tenantEngine?: TenantEngine;
    tenantRole?: TenantRole;
    /** A member's rights (roles, scopes, fields); absent for tenant and platform admins. */
    access?: UserAccess;
  }
}

/**
 * Who is calling: an API token (`Authorization: Bearer tg_…`, bound to one tenant) or a session
 * cookie (httpOnly, SameSite=Lax). Cookie-authenticated writes must echo the session's CSRF
 * token in `x-csrf-token`; token requests need none (browsers never send them on their own).
 */
export async function authenticate(req: FastifyRequest, identity: IdentityService): Promise<Principal> {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const principal = m ? await tokenCache.get(m[1] as string, () => identity.fromToken(m[1] as string)) : undefined;
    if (!principal) throw new AppError('UNAUTHENTICATED', { reason: 'invalid token' });
    return principal;
  }
  const cookie = req.cookies?.[sessionCookie];
  const principal = cookie ? await identity.fromSession(cookie) : undefined;
  if (!principal) throw new AppError('UNAUTHENTICATED', {});
  if (unsafe.has(req.method) && req.headers['x-csrf-token'] !== principal.csrfToken) throw new AppError('CSRF_FAILED', {});
  return principal;
}

/**
 * Every route registered in the context this is called on needs a signed-in caller. Fastify's
 * encapsulation binds the hooks to those routes (never a match on the URL, which a client
 * controls: an absolute-form target such as `GET http://x/api/v1/…` routes like `/api/v1/…`).
 * `onRequest` authenticates before the body is even read; a route with a `:tenant` parameter is
 * then bound to its tenant: the caller must be a member (or a platform admin), and a token may
 * only be used for the tenant it was made for. Anything else answers as if the tenant did not
 * exist, so tenants cannot be discovered.
 */
export function requireSignIn(app: FastifyInstance, engine: Engine): void {
  const identity = engine.identity;
  app.addHook('onRequest', async (req) => {
    const principal = await authenticate(req, identity);
    req.principal = principal;
    req.actor = principal.user.id;
  });
  app.addHook('preHandler', async (req) => {
    const principal = req.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED', {});
    const params = req.params as { tenant?: string } | undefined;
    if (!params?.tenant) return;
    const hidden = () => new AppError('TENANT_NOT_FOUND', { tenant: String(params.tenant).slice(0, 64) });
    const tenant = await engine.tenant(params.tenant).catch(() => {
      throw hidden();
    });
    if (principal.tokenTenantId && principal.tokenTenantId !== tenant.tenant.id) throw hidden();
    const roleKey = `${principal.user.id}:${tenant.tenant.id}`;
    let cached = roleCache.get(roleKey);
    if (!cached || Date.now() - cached.at > 5000) {
      cached = { at: Date.now(), role: await identity.role(principal.user.id, tenant.tenant.id) };
      if (roleCache.size > 10_000) roleCache.clear();
      roleCache.set(roleKey, cached);
    }
    const role = cached.role;
    if (!role && !principal.user.platformAdmin) throw hidden();
    req.tenantEngine = tenant;
    req.tenantRole = role ?? 'admin';
    // Members are held to their roles on every record path; admins are not.
    if (req.tenantRole === 'member') req.access = await tenant.access.forUser(principal.user.id);
  });
}

export function requireTenantAdmin(req: FastifyRequest): void {
  if (req.tenantRole !== 'admin') throw new AppError('FORBIDDEN', { reason: 'needs the tenant admin role' });
}

/** Metadata editing: tenant admins, and members holding a role with the designer permission. */
export function requireDesigner(req: FastifyRequest): void {
  if (req.tenantRole !== 'admin' && !req.access?.designer) throw new AppError('FORBIDDEN', { reason: 'needs the designer permission' });
}

/** A platform admin signed in: an API token is bound to one tenant and never carries platform-wide powers. */
export function isPlatformAdmin(req: FastifyRequest): boolean {
  return !!req.principal?.user.platformAdmin && !req.principal.tokenTenantId;
}

export function requirePlatformAdmin(req: FastifyRequest): void {
  if (!isPlatformAdmin(req)) throw new AppError('FORBIDDEN', { reason: 'needs a platform admin' });
}
