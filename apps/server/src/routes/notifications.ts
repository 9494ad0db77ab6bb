import { PassThrough } from 'node:stream';
import type { Engine, NotificationEvent } from '@tangram/engine';
import { AppError } from '@tangram/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { named, route } from '../openapi/declare';
import { dateTime, nullable, tenantParams, uuid } from '../openapi/schemas';
import { authenticate } from '../plugins/auth';
import { tenantOf } from '../plugins/tenant';

const str = { type: 'string' } as const;
const kind = { type: 'string', pattern: '^[a-z][a-z0-9_.-]{0,63}$' } as const;

export const NotificationSchema = named('Notification', {
  type: 'object',
  required: ['id', 'kind', 'title', 'body', 'link', 'source', 'createdAt', 'readAt'],
  properties: {
    id: uuid,
    kind: str,
    title: str,
    body: nullable(str),
    link: {
      description: 'Where it leads: a record, or a path of the web app',
      anyOf: [
        { type: 'object', required: ['object', 'recordId'], properties: { object: str, recordId: uuid } },
        { type: 'object', required: ['path'], properties: { path: str } },
        { type: 'null' },
      ],
    },
    source: { type: 'object', required: ['type', 'id'], properties: { type: str, id: nullable(str) } },
    createdAt: dateTime,
    readAt: nullable(dateTime),
  },
});

const NotificationPage = named('NotificationPage', {
  type: 'object',
  required: ['notifications', 'nextBefore'],
  properties: {
    notifications: { type: 'array', items: NotificationSchema },
    nextBefore: { ...nullable(uuid), description: 'Pass as `before` for the next (older) page' },
  },
});

const NotificationPreferences = named('NotificationPreferences', {
  type: 'object',
  required: ['inApp', 'email', 'emailDefault'],
  properties: {
    inApp: { const: true, description: 'In-app notifications are always on' },
    email: { type: 'object', description: 'Kind → also by e-mail', additionalProperties: { type: 'boolean' } },
    emailDefault: { type: 'boolean', description: 'What a kind not listed gets' },
  },
});

export interface NotificationRouteOptions {
  engine: Engine;
  /** How often the stream sends a comment line, so proxies keep it open and a dead client is noticed (default 25 s). */
  heartbeatMs?: number;
}

/** A member's notifications: list, unread count, mark read, preferences, and the live stream (SSE). */
export async function notificationRoutes(app: FastifyInstance, opts: NotificationRouteOptions): Promise<void> {
  const base = '/notifications';
  const tags = ['notifications'];
  const me = (req: FastifyRequest) => req.actor as string;

  app.get(
    base,
    {
      schema: route({
        operationId: 'listNotifications',
        summary: 'My notifications, newest first (keyset pages)',
        tags,
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            unreadOnly: { type: 'boolean' },
            before: { ...uuid, description: 'The nextBefore of the previous page' },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
        responses: { 200: { description: 'A page of notifications', schema: NotificationPage } },
      }),
    },
    async (req) => (await tenantOf(req)).notifications.list(me(req), req.query as { unreadOnly?: boolean; before?: string; limit?: number }),
  );

  app.get(
    `${base}/unread-count`,
    {
      schema: route({
        operationId: 'countUnreadNotifications',
        summary: 'How many of my notifications are unread',
        tags,
        params: tenantParams,
        response: { 200: { description: 'The count', type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } },
      }),
    },
    async (req) => ({ count: await (await tenantOf(req)).notifications.unreadCount(me(req)) }),
  );

  app.post(
    `${base}/read`,
    {
      schema: route({
        operationId: 'markNotificationsRead',
        summary: 'Mark my notifications read: the given ids, or "all"',
        tags,
        params: tenantParams,
        body: {
          type: 'object',
          required: ['ids'],
          additionalProperties: false,
          properties: { ids: { anyOf: [{ const: 'all' }, { type: 'array', maxItems: 500, items: uuid }] } },
        },
        response: {
          200: { description: 'How many were unread', type: 'object', required: ['marked'], properties: { marked: { type: 'integer' } } },
        },
      }),
    },
    async (req) => ({ marked: await (await tenantOf(req)).notifications.markRead(me(req), (req.body as { ids: string[] | 'all' }).ids) }),
  );

  app.get(
    `${base}/preferences`,
    {
      schema: route({
        operationId: 'getNotificationPreferences',
        summary: 'My notification channels: in-app always, e-mail per kind',
        tags,
        params: tenantParams,
        responses: { 200: { description: 'The preferences', schema: NotificationPreferences } },
      }),
    },
    async (req) => (await tenantOf(req)).notifications.preferences(me(req)),
  );

  app.put(
    `${base}/preferences`,
    {
      schema: route({
        operationId: 'setNotificationPreferences',
        summary: 'Turn e-mail on or off per kind (kinds not named keep theirs)',
        tags,
        params: tenantParams,
        body: {
          type: 'object',
          required: ['email'],
          additionalProperties: false,
          properties: { email: { type: 'object', maxProperties: 100, propertyNames: kind, additionalProperties: { type: 'boolean' } } },
        },
        responses: { 200: { description: 'The preferences', schema: NotificationPreferences } },
      }),
    },
    async (req) => (await tenantOf(req)).notifications.setPreferences(me(req), req.body),
  );

  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of [...open]) end();
    done();
  });

  app.get(
    `${base}/stream`,
    {
      config: { longLived: true },
      schema: route({
        operationId: 'streamNotifications',
        summary: 'My notifications as they arrive (Server-Sent Events)',
        description:
          'Events: `ready` (`{ unread }`, on connecting), `notification` (a Notification, its id as the event id), `read` (some were marked read elsewhere), `resync` (events may have been missed: read the list again). A comment line every 25 s keeps the connection open.',
        tags,
        params: tenantParams,
        responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
      }),
    },
    async (req, reply) => {
      const t = await tenantOf(req);
      const user = me(req);
      const stream = new PassThrough();
      const write = (event: string, data: unknown, id?: string) => stream.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let stop: (() => void) | undefined;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        stop?.();
        open.delete(end);
        stream.end();
      };
      // Each beat also checks that the caller may still listen (signed out, removed from the tenant: the stream ends).
      const heartbeat = setInterval(() => {
        stream.write(': ping\n\n');
        stillAllowed(req, opts.engine, t.tenant.id).then((ok) => ok || end(), end);
      }, opts.heartbeatMs ?? 25_000);
      open.add(end);
      reply.raw.on('close', end);
      const listener = (e: NotificationEvent) => {
        if (e.type === 'notification') write('notification', e.notification, e.notification.id);
        else write(e.type, {});
      };
      try {
        stop = await t.notifications.subscribe(user, listener);
        if (ended) stop();
        stream.write('retry: 3000\n\n');
        write('ready', { unread: await t.notifications.unreadCount(user) });
      } catch (e) {
        end();
        throw e;
      }
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
}

/** The caller's credentials still hold and they are still in the tenant. */
async function stillAllowed(req: FastifyRequest, engine: Engine, tenantId: string): Promise<boolean> {
  try {
    const principal = await authenticate(req, engine.identity);
    if (principal.user.platformAdmin && !principal.tokenTenantId) return true;
    return (await engine.identity.role(principal.user.id, tenantId)) !== undefined;
  } catch (e) {
    if (e instanceof AppError) return false;
    throw e;
  }
}
