import { randomBytes } from 'node:crypto';
import type { Engine, EngineOptions } from '@tangram/engine';
import type { Backend } from '@tangram/engine';
import { attachTestEngine, openTestDatabase } from '@tangram/engine/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { type BuildOptions, build } from '../app';

export interface Session {
  cookie: string;
  csrf: string;
}

export interface TestServer {
  app: FastifyInstance;
  engine: Engine;
  /** A tenant slug created for this file, with `admin` as its admin. */
  tenant: string;
  admin: { email: string; password: string };
  /** Emails of users created by this file end with `@${domain}` (cleaned up on close). */
  domain: string;
  login(email: string, password: string): Promise<Session>;
  /** A request as a signed-in user (cookie + CSRF header) or with a bearer token. */
  as(who: Session | string, opts: InjectOptions): Promise<LightMyRequestResponse>;
  createTenant(slug: string): Promise<void>;
  close(): Promise<void>;
}

const unique = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/**
 * A server over a fresh tenant (own schema) and a fresh platform admin, for one test file
 * (`options`: more build options; `engineOptions`: the engine's, e.g. the dev mailbox or a ManualClock the test moves).
 */
export async function setupServer(
  backend: Backend,
  options: Partial<Omit<BuildOptions, 'engine'>> = {},
  engineOptions: EngineOptions = {},
): Promise<TestServer> {
  const database = await openTestDatabase(backend);
  const engine = await attachTestEngine(database, engineOptions);
  const app = await build({ engine, loginRateLimit: 1000, ...options });
  const domain = `${unique()}.test.local`;
  const admin = { email: `admin@${domain}`, password: 'correct horse battery' };
  const adminUser = await engine.identity.createUser({ ...admin, name: 'Admin', platformAdmin: true });
  const slugs: string[] = [];
  const e = engine;
  const server: TestServer = {
    app,
    engine,
    tenant: `t${unique()}`,
    admin,
    domain,
    async login(email, password) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'tangram_session');
      return { cookie: `tangram_session=${cookie?.value}`, csrf: res.json().csrfToken };
    },
    as(who, opts) {
      const headers = { ...(opts.headers ?? {}) } as Record<string, string>;
      if (typeof who === 'string') headers.authorization = `Bearer ${who}`;
      else {
        headers.cookie = who.cookie;
        headers['x-csrf-token'] = who.csrf;
      }
      return app.inject({ ...opts, headers });
    },
    async createTenant(slug) {
      const t = await e.createTenant(slug);
      slugs.push(slug);
      await e.identity.addMember(t.tenant, adminUser, 'admin');
    },
    async close() {
      await app.close();
      if (backend === 'postgres') {
        for (const slug of slugs) {
          await sql`drop schema if exists ${sql.id(`tenant_${slug}`)} cascade`.execute(database.db);
          await database.db.withSchema('platform').deleteFrom('tenant').where('slug', '=', slug).execute();
        }
        await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', `%@${domain}`).execute();
      }
      await database.close();
    },
  };
  await server.createTenant(server.tenant);
  return server;
}
