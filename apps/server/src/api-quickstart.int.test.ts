import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrappedServer, readGuide, runBlocks } from './testing/guide';

const { blocks } = readGuide('api-quickstart.md');
// The number of an object's paths the guide's prose states, which its last block prints.
const statedPaths = /\((\d+) paths under `\/objects\/device\/`/.exec(
  readFileSync(new URL('../../../docs/guides/api-quickstart.md', import.meta.url), 'utf8'),
)?.[1];

// The guide's transcript, run as written against a server bootstrapped like `tangram serve`.
describe('docs/guides/api-quickstart.md', () => {
  let server: Awaited<ReturnType<typeof bootstrappedServer>>;
  const password = 'quickstart-password';
  beforeAll(async () => {
    server = await bootstrappedServer(password);
  });
  afterAll(() => server.close());

  it('has the steps a user follows', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('runs from sign-in to a version conflict, printing what the guide says', async () => {
    const stdout = await runBlocks(blocks, { BASE: server.base, TANGRAM_ADMIN_PASSWORD: password });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toContain('"status":"ok"');
    expect(stdout).toContain('Create object "设备" (device)');
    expect(lines).toContain('叉车 F1, 空压机 A1');
    expect(statedPaths).toBeDefined();
    expect(lines.slice(-5)).toEqual(['2', '2', '409', 'RECORD_VERSION_CONFLICT', statedPaths]);
  });
});
