import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, corePackage, ordersPackage } from '@tangram/engine/testing';
import { writePackage } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

describe.each(await backends())('the app market API on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  beforeAll(async () => {
    // The market reads packages from disk: two stubs, core and a package depending on it.
    const dir = mkdtempSync(join(tmpdir(), 'tangram-market-'));
    writePackage(join(dir, 'core'), corePackage());
    writePackage(join(dir, 'orders'), ordersPackage());
    process.env.TANGRAM_TEMPLATES_DIR = dir;
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}/templates`;
  });
  afterAll(async () => {
    delete process.env.TANGRAM_TEMPLATES_DIR;
    await s.close();
  });

  it('lists the available packages with their dependencies', async () => {
    const list = (await s.as(admin, { url: '/api/v1/templates' })).json().templates;
    expect(list.map((p: { name: string; version: string }) => `${p.name}@${p.version}`).sort()).toEqual(['core@1.0.0', 'orders@1.0.0']);
    expect(list.find((p: { name: string }) => p.name === 'orders')).toMatchObject({ dependencies: { core: '^1.0.0' }, objects: 1, sampleRecords: 1 });
  });

  it('installs a package with its dependency and sample data, once; only tenant admins may', async () => {
    await s.as(admin, {
      method: 'POST',
      url: `/api/v1/t/${s.tenant}/members`,
      payload: { email: `clerk@${s.domain}`, password: 'member password', role: 'member' },
    });
    const clerk = await s.login(`clerk@${s.domain}`, 'member password');
    expect((await s.as(clerk, { method: 'POST', url: `${base}/install`, payload: { name: 'orders' } })).json().error.code).toBe('FORBIDDEN');
    expect((await s.as(admin, { method: 'POST', url: `${base}/install`, payload: { name: 'nope' } })).json().error.code).toBe('TEMPLATE_NOT_FOUND');
    const res = await s.as(admin, { method: 'POST', url: `${base}/install`, payload: { name: 'orders', sampleData: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ installed: [{ name: 'core' }, { name: 'orders' }], records: 4, conflicts: [] });
    const again = (await s.as(admin, { method: 'POST', url: `${base}/install`, payload: { name: 'orders', sampleData: true } })).json();
    expect(again).toMatchObject({ installed: [], unchanged: ['core', 'orders'], records: 0 });
    expect((await s.as(clerk, { url: base })).json().installed.map((p: { name: string }) => p.name)).toEqual(['core', 'orders']);
    const orders = (await s.as(admin, { url: `/api/v1/t/${s.tenant}/objects/sales_order/records?expand=account` })).json().records;
    expect(orders[0].$expanded.account.name).toBe('杭州云栖');
    // The package's role works for a member at once.
    const clerkId = (await s.as(admin, { url: `/api/v1/t/${s.tenant}/org/members/${(await s.as(clerk, { url: '/api/v1/auth/me' })).json().user.id}` })).json()
      .id;
    await s.as(admin, { method: 'PUT', url: `/api/v1/t/${s.tenant}/access/users/${clerkId}/roles`, payload: { roles: ['order_clerk'] } });
    expect((await s.as(clerk, { url: `/api/v1/t/${s.tenant}/objects/account/records?count=true` })).json().total).toBe(2);
  });

  it('streams progress as NDJSON when asked, ending with the result', async () => {
    await s.createTenant(`${s.tenant}b`);
    const res = await s.as(admin, {
      method: 'POST',
      url: `/api/v1/t/${s.tenant}b/templates/install`,
      headers: { accept: 'application/x-ndjson' },
      payload: { name: 'orders', sampleData: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, 2)).toEqual([{ progress: { phase: 'publish' } }, { progress: { phase: 'sample-data', done: 0, total: 4 } }]);
    expect(lines.at(-1).result).toMatchObject({ installed: [{ name: 'core' }, { name: 'orders' }], records: 4 });
    // Nothing to do: no progress, the plain answer.
    const again = await s.as(admin, {
      method: 'POST',
      url: `/api/v1/t/${s.tenant}b/templates/install`,
      headers: { accept: 'application/x-ndjson' },
      payload: { name: 'orders' },
    });
    expect(again.headers['content-type']).toMatch(/application\/json/);
    expect(again.json()).toMatchObject({ installed: [], unchanged: ['core', 'orders'] });
  });

  it('exports an installed package', async () => {
    const pkg = (await s.as(admin, { url: `${base}/orders/export` })).json();
    expect(pkg.manifest).toMatchObject({ name: 'orders', version: '1.0.0' });
    expect(pkg.objects.map((o: { name: string }) => o.name).sort()).toEqual(['account', 'sales_order']);
    expect(pkg.views.map((v: { id: string }) => v.id)).toEqual(['order_board']);
  });
});
