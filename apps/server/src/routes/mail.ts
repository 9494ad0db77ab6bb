import type { Engine } from '@tangram/engine';
import type { FastifyInstance } from 'fastify';
import { named, route } from '../openapi/declare';
import { dateTime, nullable, tenantParams, uuid } from '../openapi/schemas';
import { requirePlatformAdmin, requireTenantAdmin } from '../plugins/auth';
import { tenantOf } from '../plugins/tenant';

const str = { type: 'string' } as const;
const tags = ['mail'];

const MailSettings = named('MailSettings', {
  type: 'object',
  description: 'A tenant’s SMTP settings as shown: never the password, only whether there is one',
  required: ['host', 'port', 'secure', 'user', 'hasPassword', 'from', 'updatedAt'],
  properties: {
    host: str,
    port: { type: 'integer' },
    secure: { type: 'boolean', description: 'TLS from the first byte (465); false: plain, upgraded with STARTTLS when offered' },
    user: nullable(str),
    hasPassword: { type: 'boolean' },
    from: str,
    updatedAt: dateTime,
  },
});

const MailSettingsAnswer = named('MailSettingsAnswer', {
  type: 'object',
  required: ['settings', 'transport'],
  properties: {
    settings: { anyOf: [MailSettings, { type: 'null' }] },
    transport: { enum: ['smtp', 'dev', 'none'], description: 'Where the tenant’s mail goes now: its SMTP server, the dev mailbox, or nowhere' },
  },
});

const MailSettingsInput = named('MailSettingsInput', {
  type: 'object',
  required: ['host', 'port', 'from'],
  additionalProperties: false,
  properties: {
    host: { type: 'string', description: 'A host name or IP address; it must pass the outbound guard (OUTBOUND_ADDRESS_REFUSED)' },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean', description: 'Default: port is 465' },
    user: nullable(str),
    password: { ...nullable(str), description: 'Left out: the stored one is kept; null: removed' },
    from: { type: 'string', description: '`name@example.com` or `Name <name@example.com>`' },
  },
});

const SentMail = named('SentMail', {
  type: 'object',
  required: ['via', 'messageId', 'to', 'already'],
  properties: { via: { enum: ['smtp', 'dev'] }, messageId: str, to: str, already: { type: 'boolean' } },
});

const DevMail = named('DevMail', {
  type: 'object',
  required: ['id', 'tenantId', 'key', 'messageId', 'from', 'to', 'subject', 'body', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    tenantId: nullable(uuid),
    key: { ...nullable(str), description: 'The sender’s idempotency key (null for a test mail)' },
    messageId: str,
    from: str,
    to: str,
    subject: str,
    body: str,
    createdAt: dateTime,
  },
});

/** A tenant's SMTP settings and test mail (tenant admins; registered in the tenant scope). */
export async function mailRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { mail } = opts.engine;
  const answer = async (tenantId: string) => ({ settings: await mail.settings(tenantId), transport: await mail.transport(tenantId) });

  app.get(
    '/mail/settings',
    {
      schema: route({
        operationId: 'getMailSettings',
        summary: 'The tenant’s SMTP settings, without the password (tenant admins)',
        tags,
        params: tenantParams,
        response: { 200: MailSettingsAnswer },
        responses: { 200: { description: 'The settings (null: none) and where mail goes', schema: MailSettingsAnswer } },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return answer((await tenantOf(req)).tenant.id);
    },
  );

  app.put(
    '/mail/settings',
    {
      schema: route({
        operationId: 'putMailSettings',
        summary: 'Set the tenant’s SMTP settings (tenant admins)',
        description:
          'Every bad field is reported at once as MAIL_SETTINGS_INVALID with its path (`/port`); a host that is or resolves to a loopback, private, link-local or metadata address is refused (OUTBOUND_ADDRESS_REFUSED) unless the server allows it.',
        tags,
        params: tenantParams,
        // Documented with its types; checked by the engine (MAIL_SETTINGS_INVALID with each path), not by fastify.
        requestBody: { required: true, content: { 'application/json': { schema: MailSettingsInput } } },
        response: { 200: MailSettingsAnswer },
        responses: { 200: { description: 'Saved', schema: MailSettingsAnswer } },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      const t = await tenantOf(req);
      await mail.saveSettings(t.tenant.id, req.body, req.actor ?? null);
      return answer(t.tenant.id);
    },
  );

  app.delete(
    '/mail/settings',
    {
      schema: route({
        operationId: 'deleteMailSettings',
        summary: 'Remove the tenant’s SMTP settings (tenant admins)',
        tags,
        params: tenantParams,
        responses: { 204: { description: 'Removed (or there were none)' } },
      }),
    },
    async (req, reply) => {
      requireTenantAdmin(req);
      await mail.deleteSettings((await tenantOf(req)).tenant.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/mail/test',
    {
      // A test mail goes wherever the admin says: a few a minute per client.
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: route({
        operationId: 'sendTestMail',
        summary: 'Send a test mail with the tenant’s settings (tenant admins)',
        tags,
        params: tenantParams,
        body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', maxLength: 254 } } },
        response: { 200: SentMail },
        responses: { 200: { description: 'Sent (or kept in the dev mailbox)', schema: SentMail } },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      const t = await tenantOf(req);
      return mail.sendTest(t.tenant, (req.body as { to: string }).to);
    },
  );
}

/** The dev mailbox (platform admins; registered among the signed-in routes). */
export async function devMailboxRoutes(app: FastifyInstance, opts: { engine: Engine }): Promise<void> {
  const { mail } = opts.engine;
  const dtags = ['mail'];

  app.get(
    '/api/v1/dev-mailbox',
    {
      schema: route({
        operationId: 'listDevMail',
        summary: 'Mail kept by the dev mailbox, newest first (platform admins)',
        tags: dtags,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            tenant: { type: 'string', description: 'A tenant slug' },
            to: { type: 'string', maxLength: 254 },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
        response: {
          200: { type: 'object', required: ['enabled', 'messages'], properties: { enabled: { type: 'boolean' }, messages: { type: 'array', items: DevMail } } },
        },
        responses: {
          200: {
            description: 'Whether the dev mailbox is on, and its messages',
            schema: {
              type: 'object',
              required: ['enabled', 'messages'],
              properties: { enabled: { type: 'boolean' }, messages: { type: 'array', items: DevMail } },
            },
          },
        },
      }),
    },
    async (req) => {
      requirePlatformAdmin(req);
      const q = req.query as { tenant?: string; to?: string; limit?: number };
      const tenantId = q.tenant === undefined ? undefined : (await opts.engine.tenant(q.tenant)).tenant.id;
      return { enabled: mail.devMailbox, messages: await mail.devMail({ tenantId, to: q.to, limit: q.limit }) };
    },
  );

  app.delete(
    '/api/v1/dev-mailbox',
    {
      schema: route({
        operationId: 'clearDevMail',
        summary: 'Empty the dev mailbox (platform admins)',
        tags: dtags,
        responses: { 204: { description: 'Emptied' } },
      }),
    },
    async (req, reply) => {
      requirePlatformAdmin(req);
      await mail.clearDevMail();
      return reply.code(204).send();
    },
  );
}
