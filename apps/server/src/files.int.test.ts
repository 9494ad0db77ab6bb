import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { filesDirOf } from '@tangram/engine';
import { backends } from '@tangram/engine/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, accessApp, buildAccessWorld } from './testing/access-fixture';
import { type Session, type TestServer, setupServer } from './testing/harness';
import { contentDisposition } from './routes/files';

/** A multipart/form-data body written by hand, the way a browser sends it (UTF-8 names as is). */
function multipart(parts: { name: string; filename?: string; type?: string; data: Buffer | string }[]) {
  const boundary = `----tangram${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n${p.type ? `content-type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

// Spaces, an apostrophe and brackets too: `filename*` must encode them.
const chineseName = "季度报告（终稿）2024 Q3's (v2).pdf";

describe('the download header', () => {
  it('quotes a plain fallback that nothing in the name can break out of', () => {
    expect(contentDisposition('a"b\\c%d;e.txt')).toBe(`attachment; filename="a_b_c_d;e.txt"; filename*=UTF-8''a%22b%5Cc%25d%3Be.txt`);
  });
});

describe.each(await backends())('file upload and download on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let tenantDir: string;
  const err = (res: LightMyRequestResponse) => res.json().error;

  const upload = (who: Session | string, name: string, data: Buffer | string, type = 'application/octet-stream', tenant = s.tenant) =>
    s.as(who, { method: 'POST', url: `/api/v1/t/${tenant}/files`, ...multipart([{ name: 'file', filename: name, type, data }]) });
  const download = (who: Session | string, id: string, tenant = s.tenant) => s.as(who, { url: `/api/v1/t/${tenant}/files/${id}` });
  const uploaded = async (who: Session, name: string, data: Buffer | string, type?: string) => {
    const res = await upload(who, name, data, type);
    if (res.statusCode !== 201) throw new Error(`upload: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string; name: string; size: number; mimeType: string; url: string };
  };

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    // Deals get two attachment fields; members of the role below cannot see the second one.
    const app = structuredClone(accessApp);
    app.objects[0]!.fields.push({ name: 'docs', type: 'attachment', options: { maxFiles: 5 } } as never, { name: 'secret_docs', type: 'attachment' } as never);
    const pub = await s.as(w.admin, { method: 'POST', url: `${w.base}/metadata/publish`, payload: { metadata: app } });
    if (pub.statusCode !== 201) throw new Error(pub.body);
    await w.putRole({ name: 'east_sales', objects: { deal: { create: true, read: 'department', update: 'own', fields: { secret_docs: 'hidden' } } } });
    for (const p of ['alice', 'bob', 'carol'] as const) await w.assign(p, ['east_sales']);
    tenantDir = join(filesDirOf({}), (await s.engine.tenant(s.tenant)).tenant.id);
  });
  afterAll(() => s.close());

  it('uploads and downloads the same bytes, with a Chinese file name intact', async () => {
    const bytes = randomBytes(64 * 1024 + 3);
    const res = await upload(w.sessions.alice, chineseName, bytes, 'application/pdf');
    expect(res.statusCode).toBe(201);
    const ref = res.json();
    expect(ref).toEqual({ id: expect.any(String), name: chineseName, size: bytes.length, mimeType: 'application/pdf', url: `${w.base}/files/${ref.id}` });
    const got = await s.as(w.sessions.alice, { url: ref.url });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(bytes)).toBe(true);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(Number(got.headers['content-length'])).toBe(bytes.length);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    const disposition = String(got.headers['content-disposition']);
    expect(disposition.startsWith('attachment;')).toBe(true);
    const exact = /filename\*=UTF-8''([^;\s]+)/.exec(disposition)?.[1];
    expect(exact && decodeURIComponent(exact)).toBe(chineseName);
    expect(exact).not.toMatch(/['() ]/);
    // The plain fallback is ASCII only.
    expect(/filename="([\x20-\x7e]*)"/.exec(disposition)?.[1]).toBe("________2024 Q3's (v2).pdf");
    // Tenant admins may download any file of their tenant.
    expect((await download(w.admin, ref.id)).rawPayload.equals(bytes)).toBe(true);
    // A cached copy is confirmed without sending the bytes again.
    const again = await s.as(w.sessions.alice, { url: ref.url, headers: { 'if-none-match': String(got.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    expect(readdirSync(tenantDir)).toContain(ref.id);
  });

  it('refuses a file over the limit, an empty file and a body without a file, leaving nothing on disk', async () => {
    const before = readdirSync(tenantDir).sort();
    const big = await upload(w.sessions.alice, 'big.bin', Buffer.alloc(20 * 1024 * 1024 + 1, 1));
    expect(big.statusCode).toBe(413);
    expect(err(big).code).toBe('FILE_TOO_LARGE');
    const empty = await upload(w.sessions.alice, '空.txt', Buffer.alloc(0), 'text/plain');
    expect(empty.statusCode).toBe(400);
    expect(err(empty)).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ field: 'file' }] } });
    const wrongPart = await s.as(w.sessions.alice, {
      method: 'POST',
      url: `${w.base}/files`,
      ...multipart([{ name: 'attachment', filename: 'a.txt', data: 'abc' }]),
    });
    expect(err(wrongPart)).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ field: 'file' }] } });
    const json = await s.as(w.sessions.alice, { method: 'POST', url: `${w.base}/files`, payload: { name: 'a.txt' } });
    expect(json.statusCode).toBe(400);
    // A body that is not multipart at all, and one cut off in the middle of the file.
    const garbage = await s.as(w.sessions.alice, {
      method: 'POST',
      url: `${w.base}/files`,
      payload: 'garbage',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
    });
    expect(err(garbage)).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ field: 'file' }] } });
    const whole = multipart([{ name: 'file', filename: 'cut.bin', data: Buffer.alloc(100_000, 7) }]);
    const cut = await s.as(w.sessions.alice, { method: 'POST', url: `${w.base}/files`, payload: whole.payload.subarray(0, 50_000), headers: whole.headers });
    expect(err(cut)).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ field: 'file' }] } });
    expect(readdirSync(tenantDir).sort()).toEqual(before);
  });

  it('needs the CSRF header for a cookie-authenticated upload, and a signed-in caller', async () => {
    const body = multipart([{ name: 'file', filename: 'a.txt', data: 'abc' }]);
    const noCsrf = await s.app.inject({
      method: 'POST',
      url: `${w.base}/files`,
      payload: body.payload,
      headers: { ...body.headers, cookie: w.sessions.alice.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(err(noCsrf).code).toBe('CSRF_FAILED');
    const anonymous = await s.app.inject({ method: 'POST', url: `${w.base}/files`, ...body });
    expect(err(anonymous).code).toBe('UNAUTHENTICATED');
  });

  it('lets a record store the reference, and members who can read the record download the file', async () => {
    const ref = await uploaded(w.sessions.alice, '合同扫描件.png', 'not really a png', 'image/png');
    const created = await s.as(w.sessions.alice, { method: 'POST', url: `${w.base}/objects/deal/records`, payload: { title: '带附件的商机', docs: [ref] } });
    expect(created.statusCode).toBe(201);
    expect(created.json().docs).toEqual([ref]);
    const deal = created.json();
    expect((await s.as(w.sessions.bob, { url: `${w.base}/objects/deal/records/${deal.id}` })).json().docs).toEqual([ref]);

    // bob is in alice's department: he reads the deal, so he may download what it holds.
    const bob = await download(w.sessions.bob, ref.id);
    expect(bob.statusCode).toBe(200);
    expect(bob.body).toBe('not really a png');
    expect(bob.headers['content-type']).toBe('image/png');

    // carol (another department) cannot read the deal: the file does not exist for her…
    const carol = await download(w.sessions.carol, ref.id);
    expect(carol.statusCode).toBe(404);
    expect(err(carol).code).toBe('FILE_NOT_FOUND');
    // …nor for dave, who holds no role at all.
    expect(err(await download(w.sessions.dave, ref.id)).code).toBe('FILE_NOT_FOUND');
    // Unknown and malformed ids answer the same.
    expect(err(await download(w.sessions.carol, '0190a4b2-0000-7000-8000-000000000000')).code).toBe('FILE_NOT_FOUND');
    expect(err(await download(w.sessions.carol, 'not-an-id')).code).toBe('FILE_NOT_FOUND');

    // Shared with her, the deal is readable, and so is the file; unshared, it is gone again.
    const share = await s.as(w.sessions.alice, { method: 'POST', url: `${w.base}/objects/deal/records/${deal.id}/shares`, payload: { userId: w.ids.carol } });
    expect(share.statusCode).toBe(201);
    expect((await download(w.sessions.carol, ref.id)).statusCode).toBe(200);
    await s.as(w.sessions.alice, { method: 'DELETE', url: `${w.base}/objects/deal/records/${deal.id}/shares/${share.json().id}` });
    expect((await download(w.sessions.carol, ref.id)).statusCode).toBe(404);

    // A deal in the recycle bin no longer opens its files to readers (the uploader keeps hers).
    await s.as(w.admin, { method: 'DELETE', url: `${w.base}/objects/deal/records/${deal.id}` });
    expect((await download(w.sessions.bob, ref.id)).statusCode).toBe(404);
    expect((await download(w.sessions.alice, ref.id)).statusCode).toBe(200);
  });

  it('hides a file held only in a field the member may not see', async () => {
    const ref = await uploaded(w.admin, '成本明细.xlsx', 'cost sheet');
    const deal = await w.create('deal', 'alice', { title: '有保密附件的商机', secret_docs: [ref] });
    // alice owns and reads the deal, but secret_docs is hidden to her role.
    const seen = (await s.as(w.sessions.alice, { url: `${w.base}/objects/deal/records/${deal.id}` })).json();
    expect(seen).not.toHaveProperty('secret_docs');
    const alice = await download(w.sessions.alice, ref.id);
    expect(alice.statusCode).toBe(404);
    expect(err(alice).code).toBe('FILE_NOT_FOUND');
    expect((await download(w.sessions.bob, ref.id)).statusCode).toBe(404);
    expect((await download(w.admin, ref.id)).body).toBe('cost sheet');
    // Held in a field she may see as well, the same file is hers to download.
    await s.as(w.admin, { method: 'PATCH', url: `${w.base}/objects/deal/records/${deal.id}`, headers: { 'if-match': '1' }, payload: { docs: [ref] } });
    expect((await download(w.sessions.alice, ref.id)).body).toBe('cost sheet');
  });

  it('does not let a member attach a file they may not download', async () => {
    const ref = await uploaded(w.admin, '董事会纪要.docx', 'minutes');
    const res = await s.as(w.sessions.bob, { method: 'POST', url: `${w.base}/objects/deal/records`, payload: { title: '借道', docs: [ref] } });
    expect(res.statusCode).toBe(404);
    expect(err(res)).toMatchObject({ code: 'FILE_NOT_FOUND', details: { problems: [{ field: 'docs', id: ref.id }] } });
    expect((await download(w.sessions.bob, ref.id)).statusCode).toBe(404);
    // The same through an update of a deal he owns.
    const own = (await s.as(w.sessions.bob, { method: 'POST', url: `${w.base}/objects/deal/records`, payload: { title: '自己的商机' } })).json();
    const upd = await s.as(w.sessions.bob, {
      method: 'PATCH',
      url: `${w.base}/objects/deal/records/${own.id}`,
      headers: { 'if-match': String(own.version) },
      payload: { docs: [ref] },
    });
    expect(err(upd).code).toBe('FILE_NOT_FOUND');
    // His own uploads, and references that are not stored files (links typed by hand), are fine.
    const mine = await uploaded(w.sessions.bob, '我的.txt', 'mine');
    const ok = await s.as(w.sessions.bob, {
      method: 'PATCH',
      url: `${w.base}/objects/deal/records/${own.id}`,
      headers: { 'if-match': String(own.version) },
      payload: { docs: [mine, { id: 'link-1', name: '官网', url: 'https://example.com' }] },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('lets a member without any role download only what they uploaded', async () => {
    const ref = await uploaded(w.sessions.dave, 'dave.txt', 'dave');
    expect((await download(w.sessions.dave, ref.id)).body).toBe('dave');
    expect((await download(w.sessions.alice, ref.id)).statusCode).toBe(404);
  });

  it('is in the tenant OpenAPI document', async () => {
    const doc = (await s.as(w.admin, { url: `${w.base}/openapi.json` })).json();
    expect(doc.paths[`${w.base}/files`].post.requestBody.content['multipart/form-data'].schema.required).toEqual(['file']);
    expect(doc.paths[`${w.base}/files`].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/FileReference' });
    expect(doc.paths[`${w.base}/files/{id}`].get.responses).toHaveProperty('200');
    expect(doc.components.schemas.FileReference.required).toEqual(['id', 'name', 'size', 'mimeType', 'url']);
  });

  it('never reaches a file of another tenant', async () => {
    const ref = await uploaded(w.admin, '租户一.txt', 'tenant one');
    const other = `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    await s.createTenant(other);
    // The platform admin is an admin of both tenants: the id still means nothing in the other one.
    const res = await download(w.admin, ref.id, other);
    expect(res.statusCode).toBe(404);
    expect(err(res).code).toBe('FILE_NOT_FOUND');
    // A member of the first tenant is not let into the second at all.
    expect(err(await download(w.sessions.alice, ref.id, other)).code).toBe('TENANT_NOT_FOUND');
    // An upload to the other tenant is not readable from the first one either.
    const theirs = (await upload(w.admin, 'b.txt', 'b', 'text/plain', other)).json();
    expect(err(await download(w.admin, theirs.id)).code).toBe('FILE_NOT_FOUND');
    expect((await download(w.admin, theirs.id, other)).body).toBe('b');
  });
});
