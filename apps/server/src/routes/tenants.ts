import type { Engine } from '@tangram/engine';
import type { FastifyInstance } from 'fastify';
import { isPlatformAdmin, requirePlatformAdmin, roleCache } from '../plugins/auth';

/** Platform administration: tenants and their members. */
export async function tenantRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { engine } = opts;

  app.get('/api/v1/tenants', async (req) => {
    requirePlatformAdmin(req);
    return { tenants: await engine.listTenants() };
  });

  app.post(
    '/api/v1/tenants',
    {
      schema: {
        body: {
          type: 'object',
          required: ['slug'],
          additionalProperties: false,
          properties: { slug: { type: 'string', maxLength: 40 }, name: { type: 'string', maxLength: 100 } },
        },
      },
    },
    async (req, reply) => {
      requirePlatformAdmin(req);
      const body = req.body as { slug: string; name?: string };
      const t = await engine.createTenant(body.slug, body.name);
      await engine.identity.addMember(t.tenant, req.principal!.user, 'admin');
      return reply.status(201).send(t.tenant);
    },
  );

  app.post(
    '/api/v1/t/:tenant/members',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email', 'role'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', maxLength: 254 },
            name: { type: 'string', maxLength: 100 },
            password: { type: 'string', maxLength: 200 },
            role: { enum: ['admin', 'member'] },
          },
        },
      },
    },
    async (req, reply) => {
      if (req.tenantRole !== 'admin') requirePlatformAdmin(req);
      const body = req.body as { email: string; name?: string; password?: string; role: 'admin' | 'member' };
      const tenant = req.tenantEngine!.tenant;
      roleCache.clear();
      // A platform admin (who may reset anyone's password anyway) adds directly; a tenant admin
      // invites, and only the account's owner can accept: adding is never a way into an account.
      if (!isPlatformAdmin(req)) return reply.status(201).send(await engine.identity.invite(tenant, body, body.role));
      const user =
        (await engine.identity.findUserByEmail(body.email)) ??
        (await engine.identity.createUser({ email: body.email, name: body.name ?? body.email, password: body.password ?? '' }));
      await engine.identity.addMember(tenant, user, body.role);
      return reply.status(201).send({ user, role: body.role, status: 'active' });
    },
  );
}
