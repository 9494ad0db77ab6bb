import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

/** Low findings of the security test (issue 12): what a caller is told stays within what they may see. */
describe.each(await backends())('answers scoped to the caller on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    await w.putRole({ name: 'deal_secretless', objects: { deal: { create: true, read: 'own', fields: { cost: 'hidden', secret_note: 'read' } } } });
    await w.assign('alice', ['deal_secretless']);
  });
  afterAll(() => s.close());

  it('names in a member’s OpenAPI document only the fields they may read, and offers only those they may edit', async () => {
    const doc = (await s.as(w.sessions.alice, { url: `${w.base}/openapi.json` })).json();
    const text = JSON.stringify(doc);
    // cost is hidden, and so is margin (computed from cost); lead and contract are out of reach altogether.
    for (const hidden of ['cost', 'margin']) expect(text).not.toContain(`"${hidden}"`);
    expect(Object.keys(doc.components.schemas.deal.properties)).toEqual(expect.arrayContaining(['title', 'amount', 'secret_note', 'stage']));
    expect(Object.keys(doc.components.schemas.deal_create.properties)).not.toContain('secret_note');
    expect(Object.keys(doc.components.schemas)).not.toContain('lead');
    expect(Object.keys(doc.paths).some((p) => p.includes('/objects/lead/'))).toBe(false);
    // The admin's document still describes everything.
    const full = (await s.as(w.admin, { url: `${w.base}/openapi.json` })).json();
    expect(Object.keys(full.components.schemas.deal.properties)).toEqual(expect.arrayContaining(['cost', 'margin', 'secret_note']));
    expect(Object.keys(full.components.schemas)).toContain('lead');
  });

  it('shows a platform admin’s tenant-scoped token its own tenant only', async () => {
    const other = `${s.tenant}x`;
    await s.createTenant(other);
    const token = (await s.as(w.admin, { method: 'POST', url: `${w.base}/tokens`, payload: { name: 'scoped' } })).json().token;
    const list = await s.as(token, { url: '/api/v1/tenants' });
    expect([list.statusCode, list.json().error?.code]).toEqual([403, 'FORBIDDEN']);
    expect(list.body).not.toContain(other);
    const create = await s.as(token, { method: 'POST', url: '/api/v1/tenants', payload: { slug: `${s.tenant}y` } });
    expect(create.json().error?.code).toBe('FORBIDDEN');
    const me = (await s.as(token, { url: '/api/v1/auth/me' })).json();
    expect(me.tenants.map((t: { slug: string }) => t.slug)).toEqual([s.tenant]);
    // The same admin, signed in, still administers the platform.
    const tenants = (await s.as(w.admin, { url: '/api/v1/tenants' })).json().tenants.map((t: { slug: string }) => t.slug);
    expect(tenants).toEqual(expect.arrayContaining([s.tenant, other]));
  });
});
