import { AppError } from '@tangram/errors';
import type { IdentityService } from '@tangram/engine';
import type { FastifyInstance } from 'fastify';
import { authenticate, roleCache, sessionCookie, tokenCache } from '../plugins/auth';

const credentials = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 } },
} as const;

/** Sign-in with a cookie session, sign-out, who-am-I, and API tokens. */
export async function authRoutes(app: FastifyInstance, opts: { identity: IdentityService; secureCookies: boolean; loginRateLimit: number }): Promise<void> {
  const { identity } = opts;

  app.post(
    '/api/v1/auth/login',
    {
      schema: { body: credentials },
      config: { rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const { email, password } = req.body as { email: string; password: string };
      const { user, sessionToken, csrfToken } = await identity.login(email, password);
      reply.setCookie(sessionCookie, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, maxAge: 7 * 24 * 3600 });
      return { user, csrfToken, tenants: await identity.tenantsOf(user.id) };
    },
  );

  app.post('/api/v1/auth/logout', async (req, reply) => {
    const cookie = req.cookies?.[sessionCookie];
    if (cookie) {
      await authenticate(req, identity);
      await identity.logout(cookie);
    }
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', async (req) => {
    const principal = await authenticate(req, identity);
    // A token is bound to one tenant: it sees that tenant only.
    return { user: principal.user, csrfToken: principal.csrfToken ?? null, tenants: await identity.tenantsOf(principal.user.id, principal.tokenTenantId) };
  });
}

/** A signed-in caller's API tokens for one tenant, and accepting invitations (registered among the routes that need sign-in). */
export async function tokenRoutes(app: FastifyInstance, opts: { identity: IdentityService }): Promise<void> {
  const { identity } = opts;

  // The invitee, signed in with their own password, accepts a tenant's invitation with its code.
  app.post(
    '/api/v1/auth/invitations/accept',
    {
      schema: {
        body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', minLength: 1, maxLength: 100 } } },
      },
    },
    async (req) => {
      const principal = req.principal!;
      if (principal.tokenTenantId) throw new AppError('FORBIDDEN', { reason: 'sign in to accept an invitation' });
      const accepted = await identity.acceptInvitation(principal.user, (req.body as { code: string }).code);
      roleCache.clear();
      return accepted;
    },
  );

  app.post(
    '/api/v1/t/:tenant/tokens',
    {
      schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 100 } } } },
    },
    async (req, reply) => {
      if (req.principal?.tokenTenantId) throw new AppError('FORBIDDEN', { reason: 'a token cannot create tokens' });
      const tenant = req.tenantEngine!.tenant;
      const created = await identity.createToken(req.principal!.user, tenant, (req.body as { name: string }).name);
      return reply.status(201).send(created);
    },
  );

  app.get('/api/v1/t/:tenant/tokens', async (req) => ({ tokens: await identity.listTokens(req.principal!.user.id, req.tenantEngine!.tenant.id) }));

  app.delete('/api/v1/t/:tenant/tokens/:id', async (req, reply) => {
    await identity.revokeToken(req.principal!.user.id, req.tenantEngine!.tenant.id, (req.params as { id: string }).id);
    tokenCache.clear();
    return reply.status(204).send();
  });
}
