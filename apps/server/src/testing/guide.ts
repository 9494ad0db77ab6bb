import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Engine } from '@tangram/engine';
import { openTestDatabase } from '@tangram/engine/testing';
import type { FastifyInstance } from 'fastify';
import { build } from '../app';
import { bootstrap } from '../bootstrap';

/** A guide under docs/guides: its text and its `bash` blocks, in order. */
export function readGuide(name: string): { text: string; blocks: string[] } {
  const text = readFileSync(new URL(`../../../../docs/guides/${name}`, import.meta.url), 'utf8');
  return { text, blocks: [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string) };
}

/** A server bootstrapped like `tangram serve` on a fresh PGlite (admin, demo tenant), listening on loopback. */
export async function bootstrappedServer(password: string): Promise<{ base: string; close(): Promise<void> }> {
  const engine = await Engine.attach(await openTestDatabase('pglite'));
  await bootstrap(engine, { TANGRAM_ADMIN_PASSWORD: password });
  const app: FastifyInstance = await build({ engine });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    async close() {
      await app.close();
      await engine.close();
    },
  };
}

/** Runs the blocks in order, in one bash, in a fresh directory; returns what they print. */
export async function runBlocks(blocks: string[], env: Record<string, string>): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'tangram-guide-'));
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${blocks.join('\n')}`], {
    cwd,
    env: { ...process.env, ...env },
    maxBuffer: 10_000_000,
  });
  return stdout;
}
