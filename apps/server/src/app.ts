import { performance } from 'node:perf_hooks';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { Engine } from '@tangram/engine';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController, type RouteOptions } from 'fastify';
import pino from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { DeclaredRoute } from './openapi/generate';
import { newCaches, requireSignIn, tenantScope } from './plugins/auth';
import { registerErrorHandling } from './plugins/errors';
import { clientErrorHandler, registerInputChecks, registerJsonBodies } from './plugins/input';
import { registerSecurityHeaders } from './plugins/security';
import { webApp } from './plugins/web';
import { authRoutes, invitationRoutes, tokenRoutes } from './routes/auth';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { metadataRoutes } from './routes/metadata';
import { openapiRoutes } from './routes/openapi';
import { notificationRoutes } from './routes/notifications';
import { orgRoutes } from './routes/org';
import { accessRoutes } from './routes/access';
import { automationRoutes } from './routes/automations';
import { devMailboxRoutes, mailRoutes } from './routes/mail';
import { templateRoutes, tenantTemplateRoutes } from './routes/templates';
import { recordActionRoutes } from './routes/record-actions';
import { approvalRoutes } from './routes/approvals';
import { reportRoutes } from './routes/reports';
import { recordRoutes } from './routes/records';
import { memberRoutes, tenantRoutes } from './routes/tenants';

export interface BuildOptions {
  engine: Engine;
  logger?: FastifyServerOptions['logger'];
  /** Set the Secure flag on the session cookie (behind HTTPS). */
  secureCookies?: boolean;
  /** Sign-in attempts per minute per client address. */
  loginRateLimit?: number;
  bodyLimit?: number;
  /** Where the app market reads template packages from (default: the repository's templates/). */
  templatesDir?: string;
  /** How often the notification stream sends a heartbeat (default 25 s). */
  notificationHeartbeatMs?: number;
  /** Sees every route as it is added (tests enumerate the routes with it). */
  onRoute?: (route: RouteOptions) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered (method, full URL, schema): the OpenAPI document is generated from their declarations. */
    apiRoutes: DeclaredRoute[];
    /** Whether requests are being answered now (long-lived streams aside). */
    serving: () => boolean;
    /**
     * Whether requests are queueing: some are in flight now, and on average at least two were
     * over the last 100 ms. A worker in this process then yields to them (Jobs.start's `foreground`);
     * at ordinary rates (a request answered before the next comes) it does not.
     */
    busy: () => boolean;
  }
  interface FastifyContextConfig {
    /** A stream open for minutes (server-sent events): not counted as a request being served. */
    longLived?: boolean;
  }
}

/** Where every tenant's routes are: the tenant scope binds `:tenant` for everything under it. */
export const tenantPrefix = '/api/v1/t/:tenant';

/** Log settings: request ids on every line, secrets never. */
export const defaultLogger: FastifyServerOptions['logger'] = {
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.token'],
    censor: '[redacted]',
  },
};

/**
 * What `tangram serve` logs with: the settings above, written to stdout without blocking the
 * request on each write (pino's asynchronous destination; what is buffered is flushed at exit).
 */
export function serveLogger(): FastifyServerOptions['logger'] {
  return { ...(defaultLogger as object), stream: pino.destination({ dest: 1, sync: false }) } as FastifyServerOptions['logger'];
}

/**
 * Builds the HTTP server around an open engine. Tests call `build()` and `app.inject()`;
 * `tangram serve` calls it and listens.
 * @example const app = await build({ engine }); await app.listen({ port: 3000 })
 */
export async function build(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : uuidv7();
    },
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    clientErrorHandler,
    // One line per request (below), not fastify's two: half the logging cost of a busy server.
    logController: new LogController({ disableRequestLogging: true }),
  });
  if (opts.logger)
    app.addHook('onResponse', (req, reply, done) => {
      req.log.info(
        { req: { method: req.method, url: req.url, remoteAddress: req.ip }, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime },
        'request completed',
      );
      done();
    });
  // Per app, never per process (see Caches).
  app.decorate('caches', newCaches());
  app.decorate('apiRoutes', [] as DeclaredRoute[]);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) app.apiRoutes.push({ method, url: r.url, schema: r.schema });
  });
  registerErrorHandling(app);
  registerInputChecks(app);
  registerJsonBodies(app);
  // Known from the start, so set once when the request comes in (no promise per answer). The
  // requests in flight are counted for the worker (`serving`), long-lived streams excepted.
  let inFlight = 0;
  // The average number in flight over the last 100 ms, for `busy`: the time-weighted count.
  let area = 0;
  let changed = performance.now();
  let sampledAt = changed;
  let averageInFlight = 0;
  const move = (by: number) => {
    const t = performance.now();
    area += inFlight * (t - changed);
    changed = t;
    inFlight += by;
  };
  const ended = () => move(-1);
  app.decorate('serving', () => inFlight > 0);
  const sampler = setInterval(() => {
    move(0);
    averageInFlight = area / Math.max(changed - sampledAt, 1);
    area = 0;
    sampledAt = changed;
  }, 100);
  sampler.unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(sampler);
    done();
  });
  app.decorate('busy', () => inFlight > 0 && averageInFlight >= 2);
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    if (!req.routeOptions.config?.longLived) {
      move(1);
      reply.raw.once('close', ended);
    }
    done();
  });
  await registerSecurityHeaders(app, opts.secureCookies ?? false);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  // Public: health, sign-in (and the auth routes that check the caller themselves), docs, the web app.
  await app.register(healthRoutes, { engine: opts.engine });
  await app.register(authRoutes, {
    identity: opts.engine.identity,
    secureCookies: opts.secureCookies ?? false,
    loginRateLimit: opts.loginRateLimit ?? 20,
  });
  // Everything registered in here needs a signed-in caller (see requireSignIn).
  await app.register(async (api) => {
    requireSignIn(api, opts.engine);
    await api.register(invitationRoutes, { identity: opts.engine.identity });
    await api.register(tenantRoutes, { engine: opts.engine });
    await api.register(templateRoutes, { templatesDir: opts.templatesDir });
    await api.register(devMailboxRoutes, { engine: opts.engine });
  });
  // Everything in here is one tenant's: signed in, and bound to the tenant (see tenantScope).
  await app.register(
    async (scope) => {
      tenantScope(scope, opts.engine);
      await scope.register(tokenRoutes, { identity: opts.engine.identity });
      await scope.register(memberRoutes, { engine: opts.engine });
      await scope.register(metadataRoutes);
      await scope.register(recordRoutes);
      await scope.register(recordActionRoutes);
      await scope.register(approvalRoutes);
      await scope.register(reportRoutes);
      await scope.register(fileRoutes);
      await scope.register(openapiRoutes);
      await scope.register(orgRoutes, { engine: opts.engine });
      await scope.register(accessRoutes);
      await scope.register(automationRoutes);
      await scope.register(mailRoutes, { engine: opts.engine });
      await scope.register(notificationRoutes, { engine: opts.engine, heartbeatMs: opts.notificationHeartbeatMs });
      await scope.register(tenantTemplateRoutes, { templatesDir: opts.templatesDir });
    },
    { prefix: tenantPrefix },
  );
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Tangram platform API', version: '1' } } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(webApp);
  return app;
}
