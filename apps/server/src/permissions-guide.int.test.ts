import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrappedServer, readGuide, runBlocks } from './testing/guide';

const { text, blocks } = readGuide('permissions.md');
const printed = /the test compares line by line\):\n\n```text\n([\s\S]*?)```/.exec(text)?.[1] ?? '';

// The guide's worked examples, run as written against a server bootstrapped like `tangram serve`
// (so on the demo organisation the quick start creates).
describe('docs/guides/permissions.md', () => {
  let server: Awaited<ReturnType<typeof bootstrappedServer>>;
  const password = 'permissions-guide';
  beforeAll(async () => {
    server = await bootstrappedServer(password);
  });
  afterAll(() => server.close());

  it('runs every worked example and prints what the guide says', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    const stdout = await runBlocks(blocks, { BASE: server.base, TANGRAM_ADMIN_PASSWORD: password });
    if (process.env.SHOW_GUIDE) console.log(stdout);
    expect(printed.split('\n').length).toBeGreaterThan(10);
    expect(stdout.trim().split('\n')).toEqual(printed.trim().split('\n'));
  });
});
