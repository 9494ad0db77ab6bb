import type { FastifyInstance, FastifyRequest } from 'fastify';
import { route } from '../openapi/declare';
import { MyAccess, Role, idParams, tenantParams } from '../openapi/schemas';
import { requireDesigner, requireTenantAdmin } from '../plugins/auth';
import { actionContext, tenantOf } from '../plugins/tenant';

type Name = { name: string };
type Id = { id: string };

/**
 * Access control: roles (tenant admins), who holds them, each member's effective rights, and
 * handing a leaving member's records to someone else.
 */
export async function accessRoutes(app: FastifyInstance): Promise<void> {
  const base = '/access';
  const tags = ['access'];
  const nameParams = { type: 'object', required: ['tenant', 'name'], properties: { tenant: { type: 'string' }, name: { type: 'string' } } } as const;
  const ok = (description: string, schema: Record<string, unknown>) => ({ 200: { description, schema } });
  const roleNames = { type: 'object', required: ['roles'], properties: { roles: { type: 'array', items: { type: 'string' } } } };

  app.get(
    `${base}/roles`,
    {
      schema: route({
        operationId: 'listRoles',
        summary: 'The app roles (tenant admins)',
        tags,
        params: tenantParams,
        responses: ok('Roles', { type: 'object', required: ['roles'], properties: { roles: { type: 'array', items: Role } } }),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return { roles: await (await tenantOf(req)).access.roles() };
    },
  );

  app.get(
    `${base}/role-names`,
    {
      schema: route({
        operationId: 'listRoleNames',
        summary: 'The app roles by name and label, without their rights (designers: to pick a role as approvers or as who may use a button)',
        tags,
        params: tenantParams,
        responses: ok('Role names', {
          type: 'object',
          required: ['roles'],
          properties: {
            roles: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'label'],
                additionalProperties: false,
                properties: { name: { type: 'string' }, label: { type: 'object', additionalProperties: { type: 'string' } } },
              },
            },
          },
        }),
      }),
    },
    async (req) => {
      requireDesigner(req);
      return { roles: (await (await tenantOf(req)).access.roles()).map((r) => ({ name: r.name, label: r.label })) };
    },
  );

  app.get(
    `${base}/roles/:name`,
    {
      schema: route({
        operationId: 'getRole',
        summary: 'One app role (tenant admins)',
        tags,
        params: nameParams,
        responses: ok('The role', Role),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return (await tenantOf(req)).access.role((req.params as Name).name);
    },
  );

  app.put(
    `${base}/roles/:name`,
    {
      schema: route({
        operationId: 'putRole',
        summary: 'Create or replace an app role (tenant admins)',
        tags,
        params: nameParams,
        body: { type: 'object' },
        responses: ok('The role', Role),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return (await tenantOf(req)).access.putRole((req.params as Name).name, req.body, req.actor ?? null);
    },
  );

  app.delete(
    `${base}/roles/:name`,
    {
      schema: route({
        operationId: 'deleteRole',
        summary: 'Remove an app role (tenant admins)',
        tags,
        params: nameParams,
        responses: { 204: { description: 'Removed' } },
      }),
    },
    async (req, reply) => {
      requireTenantAdmin(req);
      await (await tenantOf(req)).access.deleteRole((req.params as Name).name);
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/users/:id/roles`,
    {
      schema: route({
        operationId: 'getUserRoles',
        summary: 'The app roles a member holds (tenant admins)',
        tags,
        params: idParams,
        responses: ok('Role names', roleNames),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return { roles: await (await tenantOf(req)).access.userRoles((req.params as Id).id) };
    },
  );

  app.put(
    `${base}/users/:id/roles`,
    {
      schema: route({
        operationId: 'setUserRoles',
        summary: 'Set the app roles a member holds (tenant admins)',
        tags,
        params: idParams,
        body: {
          type: 'object',
          required: ['roles'],
          additionalProperties: false,
          properties: { roles: { type: 'array', maxItems: 100, items: { description: 'A role name' } } },
        },
        responses: ok('Role names', roleNames),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return { roles: await (await tenantOf(req)).access.setUserRoles((req.params as Id).id, (req.body as { roles: unknown }).roles) };
    },
  );

  // What the caller may do, per object: for the UI to show only what will work.
  app.get(
    `${base}/me`,
    {
      schema: route({
        operationId: 'getMyAccess',
        summary: 'What the caller may do, per object (for the UI to show only what will work)',
        tags,
        params: tenantParams,
        responses: ok('Rights', MyAccess),
      }),
    },
    async (req: FastifyRequest) => {
      const t = await tenantOf(req);
      const model = await t.model();
      const objects: Record<string, unknown> = {};
      for (const om of model.byName.values()) {
        const oa = req.access?.object(om);
        objects[om.name] = {
          create: oa ? oa.can('create') : true,
          import: oa ? oa.can('import') : true,
          read: oa ? oa.grants('read') : true,
          update: oa ? oa.grants('update') : true,
          delete: oa ? oa.grants('delete') : true,
          export: oa ? oa.grants('export') : true,
          transfer: oa ? oa.grants('transfer') : true,
          // `edit` only where the member can write at all (create or update some records).
          fields: Object.fromEntries(
            om.fields.map((f) => {
              if (!oa) return [f.name, 'edit'];
              const access = oa.field(f.name);
              return [f.name, access === 'edit' && !oa.can('create') && !oa.grants('update') ? 'read' : access];
            }),
          ),
        };
      }
      return {
        admin: req.tenantRole === 'admin',
        designer: req.tenantRole === 'admin' || !!req.access?.designer,
        roles: req.access?.viewer.roles.map((r) => r.name) ?? [],
        objects,
      };
    },
  );

  // A member leaves: everything they own, in every object, goes to another member at once.
  app.post(
    `${base}/transfer`,
    {
      schema: route({
        operationId: 'transferAllRecords',
        summary: 'A member leaves: everything they own, in every object, goes to another member (tenant admins)',
        tags,
        params: tenantParams,
        body: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: { type: 'string' }, to: { type: 'string' } } },
        // A fixed shape: serialised by fastify with it.
        response: {
          200: {
            type: 'object',
            required: ['transferred', 'byObject'],
            properties: { transferred: { type: 'integer' }, byObject: { type: 'object', additionalProperties: { type: 'integer' } } },
          },
        },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      const t = await tenantOf(req);
      const moved = await t.records.transferAll(req.body as { from: string; to: string }, actionContext(req));
      return { transferred: Object.values(moved).reduce((a, b) => a + b, 0), byObject: moved };
    },
  );

  // Records nobody followed up go back to their public pools (the server also sweeps hourly).
  app.post(
    '/pool/recycle',
    {
      schema: route({
        operationId: 'recyclePools',
        summary: 'Return records nobody followed up to their public pools (tenant admins; also swept hourly)',
        tags: ['records'],
        params: tenantParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { object: { type: 'string', maxLength: 63 } } },
        // A fixed shape: serialised by fastify with it.
        response: {
          200: {
            type: 'object',
            required: ['recycled', 'byObject'],
            properties: { recycled: { type: 'integer' }, byObject: { type: 'object', additionalProperties: { type: 'integer' } } },
          },
        },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      const t = await tenantOf(req);
      const moved = await t.records.recyclePools({ object: (req.body as { object?: string } | null)?.object }, actionContext(req));
      return { recycled: Object.values(moved).reduce((a, b) => a + b, 0), byObject: moved };
    },
  );
}
