import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { backends } from '@tangram/engine/testing';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp } from './demo/demo-app';
import { type Session, type TestServer, setupServer } from './testing/harness';

const root = new URL('../../..', import.meta.url).pathname;

describe.each(await backends())('the tenant OpenAPI document on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let doc: Record<string, unknown>;
  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/metadata/publish`, payload: { metadata: demoApp } });
    doc = (await s.as(admin, { url: `/api/v1/t/${s.tenant}/openapi.json` })).json();
  });
  afterAll(() => s.close());

  it('passes a real OpenAPI 3.1 validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(doc.openapi).toBe('3.1.0');
  });

  it('describes every published object and changes when metadata is published', async () => {
    expect(Object.keys(doc.paths as object)).toContain(`/api/v1/t/${s.tenant}/objects/opportunity/records`);
    const withField = structuredClone(demoApp);
    withField.objects[1]?.fields.push({ name: 'wechat', type: 'text', label: { 'zh-CN': '微信', en: 'WeChat' } } as never);
    await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/metadata/publish`, payload: { metadata: withField } });
    const next = (await s.as(admin, { url: `/api/v1/t/${s.tenant}/openapi.json` })).json();
    expect(next.components.schemas.contact.properties).toHaveProperty('wechat');
  });

  it('generates a typed client that compiles, then creates and lists records with it', async () => {
    // Inside the package, so `openapi-fetch` resolves exactly as it would for a user's project.
    const dir = mkdtempSync(join(root, 'apps/server/.typed-client-'));
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(structuredClone(doc) as never)));
    const token = (await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/tokens`, payload: { name: 'client' } })).json().token;
    const address = await s.app.listen({ port: 0, host: '127.0.0.1' });
    writeFileSync(
      join(dir, 'client.ts'),
      `
import createClient from 'openapi-fetch';
import type { paths } from './api';
const client = createClient<paths>({ baseUrl: ${JSON.stringify(address)}, headers: { authorization: ${JSON.stringify(`Bearer ${token}`)} } });
const base = ${JSON.stringify(`/api/v1/t/${s.tenant}/objects/account/records`)} as const;
const created = await client.POST(base, { body: { name: '类型安全客户', level: 'A' } });
if (!created.data) throw new Error(JSON.stringify(created.error));
const id: string = created.data.id;
const page = await client.GET(base, { params: { query: { search: '类型安全' } } });
console.log(JSON.stringify({ id, names: page.data?.records.map((r) => r.name) }));
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', skipLibCheck: true, types: [] },
        files: ['client.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    // Asynchronously: the server answering the client runs in this very process.
    const run = await promisify(execFile)(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(dir, 'client.ts')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({ id: expect.any(String), names: ['类型安全客户'] });
    rmSync(dir, { recursive: true, force: true });
  });
});
