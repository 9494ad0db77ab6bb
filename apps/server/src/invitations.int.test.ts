import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

/**
 * Adding a member is an invitation (security test, issue 12): a tenant admin who adds an e-mail
 * that already has an account never gets into that account, never learns about it, and the
 * account's owner joins only by accepting with their own password and the invitation code.
 */
describe.each(await backends())('member invitations on %s', (backend) => {
  let s: TestServer;
  let adminA: Session;
  let adminB: Session;
  let a: string;
  let b: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    a = `${s.tenant}a`;
    b = `${s.tenant}b`;
    for (const [slug, who] of [
      [a, 'admin-a'],
      [b, 'admin-b'],
    ] as const) {
      await s.createTenant(slug);
      const user = await s.engine.identity.createUser({ email: `${who}@${s.domain}`, name: who, password: `${who} password` });
      await s.engine.identity.addMember((await s.engine.tenant(slug)).tenant, user, 'admin');
    }
    adminA = await s.login(`admin-a@${s.domain}`, 'admin-a password');
    adminB = await s.login(`admin-b@${s.domain}`, 'admin-b password');
  });
  afterAll(() => s.close());

  const add = (who: Session, tenant: string, payload: Record<string, unknown>) => s.as(who, { method: 'POST', url: `/api/v1/t/${tenant}/members`, payload });
  const canReach = async (who: Session, tenant: string) => (await s.as(who, { url: `/api/v1/t/${tenant}/metadata` })).statusCode === 200;

  it('does not let an admin of B who pre-registered an e-mail sign into A when A adds it', async () => {
    const email = `victim@${s.domain}`;
    const byB = await add(adminB, b, { email, name: 'Pre-registered by B', password: 'password set by B', role: 'member' });
    expect(byB.statusCode).toBe(201);
    const byA = await add(adminA, a, { email, name: 'Victim', password: 'password set by A', role: 'admin' });
    expect(byA.statusCode).toBe(201);
    // A's password does not take over the account, and B's admin (holding the account's password) does not get into A.
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'password set by A' } })).statusCode).toBe(401);
    const asB = await s.login(email, 'password set by B');
    expect(await canReach(asB, a)).toBe(false);
    expect((await s.as(asB, { url: '/api/v1/auth/me' })).json().tenants).toEqual([]);
    // Without A's code (handed to the real invitee out of band) the account holder cannot join A.
    const guess = await s.as(asB, { method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { code: byB.json().invitationCode.replace(/^./, 'x') } });
    expect(guess.json().error.code).toBe('RECORD_NOT_FOUND');
    expect(await canReach(asB, a)).toBe(false);
  });

  it('answers a tenant admin alike for a new and a known e-mail, without the account’s name or tenants', async () => {
    const known = `known@${s.domain}`;
    await s.engine.identity.createUser({ email: known, name: 'Secret Name', password: 'known password' });
    await s.engine.identity.addMember((await s.engine.tenant(b)).tenant, (await s.engine.identity.findUserByEmail(known))!, 'admin');
    const payload = (email: string) => ({ email, name: 'Given', password: 'given password', role: 'member' });
    const fresh = await add(adminA, a, payload(`fresh@${s.domain}`));
    const existing = await add(adminA, a, payload(known));
    const shape = (r: typeof fresh) => ({
      status: r.statusCode,
      keys: Object.keys(r.json()).sort(),
      user: Object.keys(r.json().user).sort(),
      state: r.json().status,
    });
    expect(shape(existing)).toEqual(shape(fresh));
    expect(existing.json()).toEqual({ user: { email: known }, role: 'member', status: 'invited', invitationCode: expect.any(String) });
    expect(existing.body).not.toContain('Secret Name');
    expect(existing.body).not.toContain(b);
    // An invited member is not a member yet: not listed, no tenant role.
    const list = (await s.as(adminA, { url: `/api/v1/t/${a}/org/members`, query: { q: 'known' } })).json();
    expect(list.members).toEqual([]);
    // The new account signs in with the password A gave it, and joins by accepting.
    const newcomer = await s.login(`fresh@${s.domain}`, 'given password');
    expect(await canReach(newcomer, a)).toBe(false);
    const accepted = await s.as(newcomer, { method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { code: fresh.json().invitationCode } });
    expect(accepted.statusCode).toBe(200);
    expect(await canReach(newcomer, a)).toBe(true);
    // A bad password is refused alike, whether or not the e-mail is known.
    const short = { name: 'Given', password: 'short', role: 'member' };
    const bad = [await add(adminA, a, { ...short, email: `other@${s.domain}` }), await add(adminA, a, { ...short, email: known })];
    expect(bad.map((r) => [r.statusCode, r.json().error.code, r.json().error.details.problems[0].field])).toEqual([
      [400, 'VALIDATION_FAILED', 'password'],
      [400, 'VALIDATION_FAILED', 'password'],
    ]);
  });

  it('lets the invitee, signed in with their own password, accept with the code; the code works once and for them only', async () => {
    const email = `consultant@${s.domain}`;
    await s.engine.identity.createUser({ email, name: 'Consultant', password: 'consultant password' });
    const invited = (await add(adminA, a, { email, role: 'member' })).json();
    const consultant = await s.login(email, 'consultant password');
    expect(await canReach(consultant, a)).toBe(false);
    const accept = (who: Session) => s.as(who, { method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { code: invited.invitationCode } });
    expect((await accept(adminB)).json().error.code).toBe('RECORD_NOT_FOUND');
    const accepted = await accept(consultant);
    expect(accepted.json()).toEqual({ tenant: { slug: a, name: expect.any(String) }, role: 'member' });
    expect(await canReach(consultant, a)).toBe(true);
    expect((await accept(consultant)).json().error.code).toBe('RECORD_NOT_FOUND');
    const list = (await s.as(adminA, { url: `/api/v1/t/${a}/org/members`, query: { q: 'consultant' } })).json();
    expect(list.members.map((m: { name: string; tenantRole: string }) => [m.name, m.tenantRole])).toEqual([['Consultant', 'member']]);
    // Adding someone already active only changes their role.
    const again = await add(adminA, a, { email, role: 'admin' });
    expect(again.json()).toMatchObject({ status: 'active', role: 'admin' });
    expect(again.json().invitationCode).toBeUndefined();
  });

  it('keeps the platform admin’s direct add', async () => {
    const platform = await s.login(s.admin.email, s.admin.password);
    const email = `direct@${s.domain}`;
    expect((await add(platform, a, { email, name: 'Direct', password: 'direct password', role: 'member' })).json()).toMatchObject({ status: 'active' });
    expect(await canReach(await s.login(email, 'direct password'), a)).toBe(true);
  });
});
