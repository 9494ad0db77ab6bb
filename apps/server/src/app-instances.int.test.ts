import { backends } from '@tangram/engine/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type Session, type TestServer, setupServer } from './testing/harness';

/** Two apps in one process keep their own caches (they are decorated on the app, not module globals). */
describe.each(await backends())('two apps in one process on %s', (backend) => {
  let s: TestServer;
  let one: FastifyInstance;
  let two: FastifyInstance;
  let admin: Session;
  let member: Session;
  let memberId: string;
  let tenantId: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    one = s.app;
    two = await build({ engine: s.engine, loginRateLimit: 1000 });
    const email = `two-apps@${s.domain}`;
    const user = await s.engine.identity.createUser({ email, name: 'M', password: 'member password' });
    const tenant = (await s.engine.tenant(s.tenant)).tenant;
    await s.engine.identity.addMember(tenant, user, 'member');
    memberId = user.id;
    tenantId = tenant.id;
    admin = await s.login(s.admin.email, s.admin.password);
    member = await s.login(email, 'member password');
  });
  afterAll(async () => {
    await two.close();
    await s.close();
  });
  const me = (app: FastifyInstance) => app.inject({ url: `/api/v1/t/${s.tenant}/access/me`, headers: { cookie: member.cookie, 'x-csrf-token': member.csrf } });

  it('has its own caches', () => {
    expect(one.caches).not.toBe(two.caches);
    expect(one.caches.roles).not.toBe(two.caches.roles);
    expect(one.caches.tokens).not.toBe(two.caches.tokens);
    expect(one.caches.openapi).not.toBe(two.caches.openapi);
  });

  it('sees a role change made through it at once, while the other app holds only what it looked up itself', async () => {
    const key = `${memberId}:${tenantId}`;
    expect((await me(two)).json().admin).toBe(false);
    expect(two.caches.roles.get(key)?.role).toBe('member');
    expect(one.caches.roles.has(key)).toBe(false);
    expect((await me(one)).json().admin).toBe(false);
    // Made an admin through the first app: its cache is cleared, the second app's is not touched.
    const made = await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/members`, payload: { email: `two-apps@${s.domain}`, role: 'admin' } });
    expect(made.statusCode, made.body).toBe(201);
    expect(one.caches.roles.has(key)).toBe(false);
    expect(two.caches.roles.get(key)?.role).toBe('member');
    expect((await me(one)).json().admin).toBe(true);
    // The second app's own entry goes when it is cleared (or after 5 s): then it sees the change too.
    two.caches.roles.clear();
    expect((await me(two)).json().admin).toBe(true);
  });

  it('caches an admin’s OpenAPI document per app', async () => {
    const get = (app: FastifyInstance) => app.inject({ url: `/api/v1/t/${s.tenant}/openapi.json`, headers: { cookie: admin.cookie } });
    expect((await get(one)).statusCode).toBe(200);
    const model = await (await s.engine.tenant(s.tenant)).model();
    expect(one.caches.openapi.has(model)).toBe(true);
    expect(two.caches.openapi.has(model)).toBe(false);
  });
});
