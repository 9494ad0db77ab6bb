import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Engine } from '@tangram/engine';
import { describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'tangram-cli-'));

async function tangram(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'apps/server/bin/tangram.mjs'), ...args], {
      env: { ...process.env, DATA_DIR: join(dataDir, 'db'), DATABASE_URL: '' },
      cwd: dataDir,
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

// One embedded database, operated the way an operator would, command after command.
describe('the tangram CLI (on PGlite)', () => {
  it('runs doctor, creates a user and a tenant, imports and exports an app', async () => {
    expect(await tangram('doctor')).toMatchObject({ code: 0, out: expect.stringContaining('ok    database') });
    expect((await tangram('user', 'create', 'ops@example.com', '--name', '运维', '--password', 'ops-password', '--platform-admin')).out).toContain(
      'user ops@example.com created',
    );
    expect((await tangram('tenant', 'create', 'acme', '--name', 'ACME', '--admin', 'ops@example.com')).out).toContain(
      'tenant acme created (schema tenant_acme)',
    );
    expect((await tangram('tenant', 'list')).out).toContain('acme\tACME\ttenant_acme');
    const file = join(dataDir, 'app.json');
    writeFileSync(file, JSON.stringify({ objects: [{ name: 'device', label: '设备', fields: [{ name: 'name', type: 'text' }] }] }));
    const dry = await tangram('app', 'import', file, '--tenant', 'acme', '--dry-run');
    expect(dry.out).toContain('新建对象「设备」(device)');
    expect((await tangram('app', 'export', '--tenant', 'acme')).out.trim()).toBe(JSON.stringify({ objects: [] }, null, 2));
    expect((await tangram('app', 'import', file, '--tenant', 'acme')).out).toContain('published revision 1');
    await tangram('app', 'export', '--tenant', 'acme', '--out', join(dataDir, 'out.json'));
    expect(JSON.parse(readFileSync(join(dataDir, 'out.json'), 'utf8')).objects[0]).toMatchObject({ id: 'device', label: { 'zh-CN': '设备' } });
  });

  it('resets a password and refuses unknown commands and bad input with a message, not a stack trace', async () => {
    // A session and an API token from before the reset (the embedded database has one opener at a time).
    const open = () => Engine.open({ dataDir: join(dataDir, 'db'), filesDir: join(dataDir, 'db', 'files') });
    let engine = await open();
    const { sessionToken } = await engine.identity.login('ops@example.com', 'ops-password');
    const ops = (await engine.identity.findUserByEmail('ops@example.com'))!;
    const { token } = await engine.identity.createToken(ops, (await engine.tenant('acme')).tenant, 'before the reset');
    expect(await engine.identity.fromSession(sessionToken)).toBeDefined();
    expect(await engine.identity.fromToken(token)).toBeDefined();
    await engine.close();
    expect((await tangram('user', 'reset-password', 'ops@example.com', '--password', 'another-password')).out).toContain('password of ops@example.com reset');
    engine = await open();
    try {
      expect(await engine.identity.fromSession(sessionToken)).toBeUndefined();
      expect(await engine.identity.fromToken(token)).toBeUndefined();
      expect((await engine.identity.login('ops@example.com', 'another-password')).user.email).toBe('ops@example.com');
    } finally {
      await engine.close();
    }
    const unknown = await tangram('frobnicate');
    expect(unknown).toMatchObject({ code: 2, out: expect.stringContaining('unknown command "frobnicate"') });
    const bad = await tangram('tenant', 'create', 'Bad Slug');
    expect(bad.code).toBe(1);
    expect(bad.out).not.toContain('    at ');
  });
});
