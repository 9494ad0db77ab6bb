import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Engine } from '@tangram/engine';
import { openTestDatabase } from '@tangram/engine/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { bootstrap } from './bootstrap';

const guide = readFileSync(new URL('../../../docs/guides/api-quickstart.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);

// The guide's transcript, run as written against a server bootstrapped like `tangram serve`.
describe('docs/guides/api-quickstart.md', () => {
  let app: FastifyInstance;
  let engine: Engine;
  let base: string;
  const password = 'quickstart-password';
  beforeAll(async () => {
    engine = await Engine.attach(await openTestDatabase('pglite'));
    await bootstrap(engine, { TANGRAM_ADMIN_PASSWORD: password });
    app = await build({ engine });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('has the steps a user follows', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('runs from sign-in to a version conflict, printing what the guide says', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tangram-quickstart-'));
    const script = `set -euo pipefail\n${blocks.join('\n')}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd,
      env: { ...process.env, BASE: base, TANGRAM_ADMIN_PASSWORD: password },
      maxBuffer: 10_000_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toContain('"status":"ok"');
    expect(stdout).toContain('Create object "设备" (device)');
    expect(lines).toContain('叉车 F1, 空压机 A1');
    expect(lines.slice(-5)).toEqual(['2', '2', '409', 'RECORD_VERSION_CONFLICT', '9']);
  });
});
