import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, setupServer } from './testing/harness';

/** Sign-in findings of the security test (issue 12): resets end old credentials; lockout tells no e-mails apart. */
describe.each(await backends())('sign-in on %s', (backend) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await setupServer(backend);
  });
  afterAll(() => s.close());

  const login = (email: string, password: string) => s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

  it('ends the sessions and API tokens of a user whose password is reset', async () => {
    const email = `reset@${s.domain}`;
    const user = await s.engine.identity.createUser({ email, name: 'R', password: 'old password' });
    await s.engine.identity.addMember((await s.engine.tenant(s.tenant)).tenant, user, 'member');
    const session = await s.login(email, 'old password');
    const token = (await s.as(session, { method: 'POST', url: `/api/v1/t/${s.tenant}/tokens`, payload: { name: 'old' } })).json().token;
    const other = await s.login(s.admin.email, s.admin.password);
    const url = `/api/v1/t/${s.tenant}/metadata`;
    expect([(await s.as(session, { url })).statusCode, (await s.as(token, { url })).statusCode]).toEqual([200, 200]);
    await s.engine.identity.setPassword(email, 'new password');
    // The token check is cached per app for a few seconds; a fresh look-up sees the revocation.
    s.app.caches.tokens.clear();
    expect([(await s.as(session, { url })).statusCode, (await s.as(token, { url })).statusCode]).toEqual([401, 401]);
    expect((await login(email, 'new password')).statusCode).toBe(200);
    expect((await s.as(other, { url })).statusCode).toBe(200);
  });

  it('answers an unknown e-mail exactly as a known one, through lockout', async () => {
    const known = `known@${s.domain}`;
    await s.engine.identity.createUser({ email: known, name: 'K', password: 'right password' });
    const run = async (email: string) => {
      const answers = [];
      for (const password of ['wrong 1', 'wrong 2', 'wrong 3', 'wrong 4', 'wrong 5', 'right password', 'wrong 6']) {
        const res = await login(email, password);
        answers.push({ status: res.statusCode, code: res.json().error?.code, details: res.json().error?.details });
      }
      return answers;
    };
    const forKnown = await run(known);
    const forUnknown = await run(`nobody@${s.domain}`);
    expect(forKnown.map((a) => a.code)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'ACCOUNT_LOCKED',
      'ACCOUNT_LOCKED',
      'ACCOUNT_LOCKED',
    ]);
    expect(forUnknown).toEqual(forKnown);
    // A reset lifts the lock.
    await s.engine.identity.setPassword(known, 'right password');
    expect((await login(known, 'right password')).statusCode).toBe(200);
  });
});
