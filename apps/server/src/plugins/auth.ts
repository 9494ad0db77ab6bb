import { AppError } from '@tangram/errors';
import type { Engine, IdentityService, Principal, TenantEngine, TenantRole, UserAccess } from '@tangram/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const sessionCookie = 'tangram_session';

/**
 * Token look-ups are cached for a few seconds (a token check would otherwise be a query on every
 * API call). Revoking clears this app's cache at once; other processes see a revocation within `ttlMs`.
 */
export class PrincipalCache {
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

/**
 * What one app keeps between requests. Decorated on the fastify instance (`app.caches`), never a
 * module global: two apps in one process (tests, a CLI beside a server) never see each other's.
 */
export interface Caches {
  /** Bearer token → principal, for 5 s. */
  tokens: PrincipalCache;
  /** `user:tenant` → tenant role, for 5 s (a role change reaches other processes within that). */
  roles: Map<string, { at: number; role: TenantRole | undefined }>;
  /** A compiled model (one tenant at one revision) → its OpenAPI document for admins. */
  openapi: WeakMap<object, unknown>;
}

export function newCaches(): Caches {
  return { tokens: new PrincipalCache(5000), roles: new Map(), openapi: new WeakMap() };
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyInstance {
    caches: Caches;
  }
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
    const principal = m ? await req.server.caches.tokens.get(m[1] as string, () => identity.fromToken(m[1] as string)) : undefined;
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
 * encapsulation binds the hook to those routes (never a match on the URL, which a client
 * controls: an absolute-form target such as `GET http://x/api/v1/…` routes like `/api/v1/…`).
 * `onRequest` authenticates before the body is even read.
 */
export function requireSignIn(app: FastifyInstance, engine: Engine): void {
  const identity = engine.identity;
  app.addHook('onRequest', async (req) => {
    const principal = await authenticate(req, identity);
    req.principal = principal;
    req.actor = principal.user.id;
  });
}

/**
 * The tenant scope: register it with the prefix `/api/v1/t/:tenant` and every route inside is
 * bound to its tenant in one `onRequest` hook, before the body is read: the caller is signed in,
 * is a member (or a platform admin), and a token is used only for the tenant it was made for.
 * Anything else answers as if the tenant did not exist, so tenants cannot be discovered. The
 * request then carries `tenantEngine`, `tenantRole` and, for members, `access`.
 */
export function tenantScope(app: FastifyInstance, engine: Engine): void {
  const identity = engine.identity;
  const roles = app.caches.roles;
  app.addHook('onRequest', async (req) => {
    const principal = await authenticate(req, identity);
    req.principal = principal;
    req.actor = principal.user.id;
    const slug = (req.params as { tenant?: string }).tenant ?? '';
    const hidden = () => new AppError('TENANT_NOT_FOUND', { tenant: slug.slice(0, 64) });
    const tenant = await engine.tenant(slug).catch(() => {
      throw hidden();
    });
    if (principal.tokenTenantId && principal.tokenTenantId !== tenant.tenant.id) throw hidden();
    const roleKey = `${principal.user.id}:${tenant.tenant.id}`;
    let cached = roles.get(roleKey);
    if (!cached || Date.now() - cached.at > 5000) {
      cached = { at: Date.now(), role: await identity.role(principal.user.id, tenant.tenant.id) };
      if (roles.size > 10_000) roles.clear();
      roles.set(roleKey, cached);
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
