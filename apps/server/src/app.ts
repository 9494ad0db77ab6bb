import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { Engine } from '@tangram/engine';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { registerTenantBinding } from './plugins/auth';
import { registerErrorHandling } from './plugins/errors';
import { webApp } from './plugins/web';
import { authRoutes } from './routes/auth';
import { fileRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { metadataRoutes } from './routes/metadata';
import { openapiRoutes } from './routes/openapi';
import { orgRoutes } from './routes/org';
import { accessRoutes } from './routes/access';
import { templateRoutes } from './routes/templates';
import { recordRoutes } from './routes/records';
import { tenantRoutes } from './routes/tenants';

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
}

/** Log settings: request ids on every line, secrets never. */
export const defaultLogger: FastifyServerOptions['logger'] = {
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.token'],
    censor: '[redacted]',
  },
};

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
  });
  registerErrorHandling(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  registerTenantBinding(app, opts.engine, opts.engine.identity);
  await app.register(healthRoutes, { engine: opts.engine });
  await app.register(authRoutes, {
    identity: opts.engine.identity,
    secureCookies: opts.secureCookies ?? false,
    loginRateLimit: opts.loginRateLimit ?? 20,
  });
  await app.register(tenantRoutes, { engine: opts.engine });
  await app.register(metadataRoutes);
  await app.register(recordRoutes);
  await app.register(fileRoutes);
  await app.register(openapiRoutes);
  await app.register(orgRoutes, { engine: opts.engine });
  await app.register(accessRoutes);
  await app.register(templateRoutes, { templatesDir: opts.templatesDir });
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'Tangram platform API', version: '1' } } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(webApp);
  return app;
}
