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

const guide = readFileSync(new URL('../../../docs/guides/permissions.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const printed = /the test compares line by line\):\n\n```text\n([\s\S]*?)```/.exec(guide)?.[1] ?? '';

// The guide's worked examples, run as written against a server bootstrapped like `tangram serve`
// (so on the demo organisation the quick start creates).
describe('docs/guides/permissions.md', () => {
  let app: FastifyInstance;
  let engine: Engine;
  let base: string;
  const password = 'permissions-guide';
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

  it('runs every worked example and prints what the guide says', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    const cwd = mkdtempSync(join(tmpdir(), 'tangram-permissions-'));
    const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${blocks.join('\n')}`], {
      cwd,
      env: { ...process.env, BASE: base, TANGRAM_ADMIN_PASSWORD: password },
      maxBuffer: 10_000_000,
    });
    expect(printed.split('\n').length).toBeGreaterThan(10);
    expect(stdout.trim().split('\n')).toEqual(printed.trim().split('\n'));
  });
});
