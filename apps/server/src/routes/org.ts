import type { Engine } from '@tangram/engine';
import type { FastifyInstance } from 'fastify';
import { route } from '../openapi/declare';
import { Department, Member, idParams, tenantParams, uuid } from '../openapi/schemas';
import { requireTenantAdmin } from '../plugins/auth';
import { tenantOf } from '../plugins/tenant';

type Body = Record<string, unknown>;
type Id = { id: string };

/** The organisation: departments (a tree with heads) and members' departments, manager and position. */
export async function orgRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const base = '/org';
  const tags = ['org'];
  const object = { type: 'object', maxProperties: 10 } as const;
  const ok = (description: string, schema: Record<string, unknown>) => ({ 200: { description, schema } });

  // Members by name (pickers, the members page); tenant admins also see each one's tenant role and app roles.
  app.get(
    `${base}/members`,
    {
      schema: route({
        operationId: 'listMembers',
        summary: 'Members by name (admins also see tenant and app roles)',
        tags,
        params: tenantParams,
        responses: ok('A page of members', {
          type: 'object',
          required: ['members', 'total'],
          properties: { members: { type: 'array', items: Member }, total: { type: 'integer' } },
        }),
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 100 },
            ids: { type: 'string', maxLength: 20000, description: 'Member ids, comma-separated' },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          },
        },
      }),
    },
    async (req) => {
      const t = await tenantOf(req);
      const page = await t.org.members(req.query as Body);
      if (req.tenantRole !== 'admin') return page;
      const ids = page.members.map((m) => m.id);
      const tenantRoles = await opts.engine.identity.tenantRoles(t.tenant.id, ids);
      const appRoles = await t.access.rolesOf(ids);
      return {
        ...page,
        members: page.members.map((m) => ({
          ...m,
          tenantRole: tenantRoles.get(m.id) ?? null,
          roles: appRoles.get(m.id) ?? [],
        })),
      };
    },
  );

  app.get(
    `${base}/departments`,
    {
      schema: route({
        operationId: 'listDepartments',
        summary: 'The departments (a tree)',
        tags,
        params: tenantParams,
        responses: ok('Departments', { type: 'object', required: ['departments'], properties: { departments: { type: 'array', items: Department } } }),
      }),
    },
    async (req) => ({ departments: await (await tenantOf(req)).org.departments() }),
  );

  app.post(
    `${base}/departments`,
    {
      schema: route({
        operationId: 'createDepartment',
        summary: 'Add a department (tenant admins)',
        tags,
        params: tenantParams,
        body: object,
        responses: { 201: { description: 'Added', schema: Department } },
      }),
    },
    async (req, reply) => {
      requireTenantAdmin(req);
      return reply.status(201).send(await (await tenantOf(req)).org.createDepartment(req.body as Body));
    },
  );

  app.patch(
    `${base}/departments/:id`,
    {
      schema: route({
        operationId: 'updateDepartment',
        summary: 'Change a department (tenant admins)',
        tags,
        params: idParams,
        body: object,
        responses: ok('Changed', Department),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return (await tenantOf(req)).org.updateDepartment((req.params as Id).id, req.body as Body);
    },
  );

  app.delete(
    `${base}/departments/:id`,
    {
      schema: route({
        operationId: 'deleteDepartment',
        summary: 'Remove a department (tenant admins)',
        tags,
        params: idParams,
        responses: { 204: { description: 'Removed' } },
      }),
    },
    async (req, reply) => {
      requireTenantAdmin(req);
      await (await tenantOf(req)).org.deleteDepartment((req.params as Id).id);
      return reply.status(204).send();
    },
  );

  app.get(
    `${base}/members/:id`,
    {
      schema: route({
        operationId: 'getMember',
        summary: 'A member with their managers and subordinates',
        tags,
        params: idParams,
        responses: ok('The member', {
          allOf: [
            Member,
            {
              type: 'object',
              required: ['managers', 'subordinates'],
              properties: {
                managers: { type: 'array', description: 'Ids of the managers above, nearest first', items: uuid },
                subordinates: { type: 'array', description: 'Ids of everyone below', items: uuid },
              },
            },
          ],
        }),
      }),
    },
    async (req) => {
      const org = (await tenantOf(req)).org;
      const id = (req.params as Id).id;
      const member = await org.member(id);
      return { ...member, managers: await org.managerChain(member.id), subordinates: await org.subordinates(member.id) };
    },
  );

  app.patch(
    `${base}/members/:id`,
    {
      schema: route({
        operationId: 'updateMember',
        summary: 'Change a member’s department, manager or position (tenant admins)',
        tags,
        params: idParams,
        body: object,
        responses: ok('Changed', Member),
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return (await tenantOf(req)).org.updateMember((req.params as Id).id, req.body as Body);
    },
  );
}
