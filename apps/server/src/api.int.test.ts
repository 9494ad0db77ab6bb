import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

const app = {
  objects: [
    {
      name: 'customer',
      label: { 'zh-CN': '客户', en: 'Customer' },
      searchFields: ['name'],
      fields: [
        { name: 'name', type: 'text', required: true, unique: true },
        { name: 'amount', type: 'currency' },
        { name: 'level', type: 'select', options: { options: [{ key: 'A' }, { key: 'B' }] } },
      ],
    },
  ],
};

describe.each(await backends())('the REST API on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
  });
  afterAll(() => s.close());

  it('answers /healthz', async () => {
    const res = await s.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: backend });
  });

  it('refuses every tenant route without a session or token', async () => {
    const res = await s.app.inject({ url: `${base}/metadata` });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: expect.any(String) });
  });

  it('publishes metadata after a dry run', async () => {
    const plan = await s.as(admin, { method: 'POST', url: `${base}/metadata/plan`, payload: { metadata: app } });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().steps[0].description['zh-CN']).toBe('新建对象「客户」(customer)');
    const pub = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: app, message: 'v1' } });
    expect(pub.statusCode).toBe(201);
    expect(pub.json()).toMatchObject({ id: 1, message: 'v1' });
  });

  it('creates, reads, updates with If-Match, and deletes a record', async () => {
    const url = `${base}/objects/customer/records`;
    const created = await s.as(admin, { method: 'POST', url, payload: { name: '七巧板科技', amount: 1234.5, level: 'A' } });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const id = created.json().id;
    const noVersion = await s.as(admin, { method: 'PATCH', url: `${url}/${id}`, payload: { amount: 1 } });
    expect(noVersion.statusCode).toBe(428);
    const updated = await s.as(admin, { method: 'PATCH', url: `${url}/${id}`, payload: { amount: 99 }, headers: { 'if-match': '"1"' } });
    expect(updated.json()).toMatchObject({ amount: 99, version: 2 });
    const stale = await s.as(admin, { method: 'PATCH', url: `${url}/${id}`, payload: { amount: 5 }, headers: { 'if-match': '"1"' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'RECORD_VERSION_CONFLICT', details: { current: { version: 2 } } });
    expect((await s.as(admin, { url: `${url}/${id}/history` })).json().entries).toHaveLength(2);
    expect((await s.as(admin, { method: 'DELETE', url: `${url}/${id}` })).statusCode).toBe(204);
    expect((await s.as(admin, { url: `${url}/${id}` })).statusCode).toBe(404);
    expect((await s.as(admin, { method: 'POST', url: `${url}/${id}/restore` })).json().version).toBe(4);
  });

  it('queries with a JSON Logic filter, sort and search through the query string', async () => {
    const url = `${base}/objects/customer/records`;
    await s.as(admin, {
      method: 'POST',
      url: `${url}/bulk`,
      payload: {
        create: [
          { name: '甲公司', amount: 10, level: 'B' },
          { name: '乙公司', amount: 20, level: 'B' },
        ],
      },
    });
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'level' }, 'B'] }));
    const res = await s.as(admin, { url: `${url}?filter=${filter}&sort=-amount&count=true` });
    expect(res.json()).toMatchObject({ total: 2, totalExact: true });
    expect(res.json().records.map((r: { name: string }) => r.name)).toEqual(['乙公司', '甲公司']);
    expect((await s.as(admin, { url: `${url}?search=${encodeURIComponent('公司')}` })).json().records).toHaveLength(2);
  });

  it('returns one error shape with stable codes for bad input', async () => {
    const url = `${base}/objects/customer/records`;
    const cases: [Parameters<TestServer['as']>[1], number, string][] = [
      [{ method: 'POST', url, payload: { name: 1 } }, 400, 'RECORD_INVALID'],
      [{ method: 'POST', url, payload: { nope: 1, name: 'x' } }, 400, 'RECORD_INVALID'],
      [{ method: 'POST', url, payload: '{bad json', headers: { 'content-type': 'application/json' } }, 400, 'VALIDATION_FAILED'],
      [{ url: `${url}?filter=notjson` }, 400, 'QUERY_INVALID'],
      [{ url: `${url}?filter=${encodeURIComponent('{"regex":[1,2]}')}` }, 400, 'RULE_OPERATOR_UNKNOWN'],
      [{ url: `${url}/not-a-uuid` }, 404, 'RECORD_NOT_FOUND'],
      [{ url: `${base}/objects/nothing/records` }, 404, 'OBJECT_NOT_FOUND'],
      [{ url: '/api/v1/nowhere' }, 404, 'ROUTE_NOT_FOUND'],
    ];
    for (const [req, status, code] of cases) {
      const res = await s.as(admin, req);
      expect({ url: req.url, status: res.statusCode, code: res.json().error?.code }).toEqual({ url: req.url, status, code });
    }
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const res = await s.app.inject({ method: 'POST', url: `${base}/objects/customer/records`, payload: { name: 'csrf' }, headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('CSRF_FAILED');
  });

  it('issues API tokens shown once, usable without CSRF, and revocable', async () => {
    const created = await s.as(admin, { method: 'POST', url: `${base}/tokens`, payload: { name: 'ci' } });
    const { token, id } = created.json();
    expect(token).toMatch(/^tg_[0-9a-f]{8}_/);
    const listed = await s.as(admin, { url: `${base}/tokens` });
    expect(JSON.stringify(listed.json())).not.toContain(token);
    expect((await s.as(token, { method: 'POST', url: `${base}/objects/customer/records`, payload: { name: 'via token' } })).statusCode).toBe(201);
    expect((await s.as(admin, { method: 'DELETE', url: `${base}/tokens/${id}` })).statusCode).toBe(204);
    expect((await s.as(token, { url: `${base}/objects/customer/records` })).statusCode).toBe(401);
  });

  it('locks an account after repeated failed sign-ins', async () => {
    await s.engine.identity.createUser({ email: `lock@${s.domain}`, name: 'L', password: 'right password' });
    const attempt = (password: string) => s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `lock@${s.domain}`, password } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await attempt('wrong')).json().error.code);
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'ACCOUNT_LOCKED']);
    const right = await attempt('right password');
    expect(right.statusCode).toBe(423);
  });

  it('keeps tenants apart: a member of A cannot see B, and A’s token does not work on B', async () => {
    const other = `${s.tenant}b`;
    await s.createTenant(other);
    await s.as(admin, { method: 'POST', url: `/api/v1/t/${other}/metadata/publish`, payload: { metadata: app } });
    await s.as(admin, { method: 'POST', url: `/api/v1/t/${other}/objects/customer/records`, payload: { name: 'B 的客户' } });
    await s.as(admin, {
      method: 'POST',
      url: `${base}/members`,
      payload: { email: `member@${s.domain}`, name: 'M', password: 'member password', role: 'member' },
    });
    const member = await s.login(`member@${s.domain}`, 'member password');
    const token = (await s.as(admin, { method: 'POST', url: `${base}/tokens`, payload: { name: 'a-only' } })).json().token;
    for (const who of [member, token]) {
      for (const url of [
        `/api/v1/t/${other}/objects/customer/records`,
        `/api/v1/t/${other}/metadata`,
        `/api/v1/t/${other}/openapi.json`,
        `/api/v1/t/${other}/docs`,
      ]) {
        const res = await s.as(who, { url });
        expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({ url, status: 404, code: 'TENANT_NOT_FOUND' });
      }
      const write = await s.as(who, { method: 'POST', url: `/api/v1/t/${other}/objects/customer/records`, payload: { name: 'intruder' } });
      expect(write.statusCode).toBe(404);
    }
    const publish = await s.as(member, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: app } });
    expect(publish.json().error.code).toBe('FORBIDDEN');
  });

  it('refuses token misuse: a token cannot mint tokens, an unknown token id is not found', async () => {
    const token = (await s.as(admin, { method: 'POST', url: `${base}/tokens`, payload: { name: 'minter' } })).json().token;
    expect((await s.as(token, { method: 'POST', url: `${base}/tokens`, payload: { name: 'child' } })).json().error.code).toBe('FORBIDDEN');
    expect((await s.as(admin, { method: 'DELETE', url: `${base}/tokens/0190a000-0000-7000-8000-000000000000` })).json().error.code).toBe('RECORD_NOT_FOUND');
    expect((await s.as(admin, { method: 'POST', url: `${base}/tokens`, payload: {} })).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('serves a browsable API page for the tenant', async () => {
    const res = await s.as(admin, { url: `${base}/docs` });
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain(`/api/v1/t/${s.tenant}/openapi.json`);
  });
});
