import { AppError } from '@tangram/errors';
import type { IdentityService } from '@tangram/engine';
import type { FastifyInstance } from 'fastify';
import { route } from '../openapi/declare';
import { Accepted, ApiToken, SignedIn, idParams, tenantParams } from '../openapi/schemas';
import { authenticate, sessionCookie } from '../plugins/auth';

const tags = ['auth'];
const credentials = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 } },
} as const;

/** Sign-in with a cookie session, sign-out, who-am-I (public: they check the caller themselves). */
export async function authRoutes(app: FastifyInstance, opts: { identity: IdentityService; secureCookies: boolean; loginRateLimit: number }): Promise<void> {
  const { identity } = opts;

  app.post(
    '/api/v1/auth/login',
    {
      schema: route({
        operationId: 'signIn',
        summary: 'Sign in: sets the session cookie and answers the CSRF token to send on writes',
        tags,
        public: true,
        body: credentials,
        responses: { 200: { description: 'Signed in', schema: SignedIn } },
      }),
      config: { rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const { email, password } = req.body as { email: string; password: string };
      const { user, sessionToken, csrfToken } = await identity.login(email, password);
      reply.setCookie(sessionCookie, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies, maxAge: 7 * 24 * 3600 });
      return { user, csrfToken, tenants: await identity.tenantsOf(user.id) };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: route({ operationId: 'signOut', summary: 'Sign out (ends the session)', tags, public: true, responses: { 204: { description: 'Signed out' } } }),
    },
    async (req, reply) => {
      const cookie = req.cookies?.[sessionCookie];
      if (cookie) {
        await authenticate(req, identity);
        await identity.logout(cookie);
      }
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: route({
        operationId: 'whoAmI',
        summary: 'Who is signed in, and their tenants',
        tags,
        responses: { 200: { description: 'The caller', schema: SignedIn } },
      }),
    },
    async (req) => {
      const principal = await authenticate(req, identity);
      // A token is bound to one tenant: it sees that tenant only.
      return { user: principal.user, csrfToken: principal.csrfToken ?? null, tenants: await identity.tenantsOf(principal.user.id, principal.tokenTenantId) };
    },
  );
}

/** Accepting invitations (registered among the routes that need sign-in). */
export async function invitationRoutes(app: FastifyInstance, opts: { identity: IdentityService }): Promise<void> {
  const { identity } = opts;

  // The invitee, signed in with their own password, accepts a tenant's invitation with its code.
  app.post(
    '/api/v1/auth/invitations/accept',
    {
      schema: route({
        operationId: 'acceptInvitation',
        summary: 'Accept a tenant’s invitation with its code (signed in with a password, not a token)',
        tags,
        body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', minLength: 1, maxLength: 100 } } },
        responses: { 200: { description: 'Accepted', schema: Accepted } },
      }),
    },
    async (req) => {
      const principal = req.principal!;
      if (principal.tokenTenantId) throw new AppError('FORBIDDEN', { reason: 'sign in to accept an invitation' });
      const accepted = await identity.acceptInvitation(principal.user, (req.body as { code: string }).code);
      app.caches.roles.clear();
      return accepted;
    },
  );
}

/** A signed-in caller's API tokens for one tenant (registered in the tenant scope). */
export async function tokenRoutes(app: FastifyInstance, opts: { identity: IdentityService }): Promise<void> {
  const { identity } = opts;

  app.post(
    '/tokens',
    {
      schema: route({
        operationId: 'createToken',
        summary: 'Make an API token for this tenant (the token is shown once)',
        tags,
        params: tenantParams,
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', maxLength: 100 } } },
        responses: { 201: { description: 'Made', schema: { type: 'object', properties: { token: { type: 'string' } }, additionalProperties: true } } },
      }),
    },
    async (req, reply) => {
      if (req.principal?.tokenTenantId) throw new AppError('FORBIDDEN', { reason: 'a token cannot create tokens' });
      const tenant = req.tenantEngine!.tenant;
      const created = await identity.createToken(req.principal!.user, tenant, (req.body as { name: string }).name);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/tokens',
    {
      schema: route({
        operationId: 'listTokens',
        summary: 'The caller’s API tokens for this tenant',
        tags,
        params: tenantParams,
        responses: { 200: { description: 'Tokens', schema: { type: 'object', properties: { tokens: { type: 'array', items: ApiToken } } } } },
      }),
    },
    async (req) => ({ tokens: await identity.listTokens(req.principal!.user.id, req.tenantEngine!.tenant.id) }),
  );

  app.delete(
    '/tokens/:id',
    { schema: route({ operationId: 'revokeToken', summary: 'Revoke an API token', tags, params: idParams, responses: { 204: { description: 'Revoked' } } }) },
    async (req, reply) => {
      await identity.revokeToken(req.principal!.user.id, req.tenantEngine!.tenant.id, (req.params as { id: string }).id);
      app.caches.tokens.clear();
      return reply.status(204).send();
    },
  );
}
