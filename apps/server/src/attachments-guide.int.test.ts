import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrappedServer, readGuide, runBlocks } from './testing/guide';

const { blocks } = readGuide('attachments.md');
// Signing in and making a token: the API quick start's first steps, as written there.
const signIn = readGuide('api-quickstart.md').blocks.slice(0, 3);

// The guide's transcript, run as written against a server bootstrapped like `tangram serve`.
describe('docs/guides/attachments.md', () => {
  let server: Awaited<ReturnType<typeof bootstrappedServer>>;
  const password = 'attachments-password';
  beforeAll(async () => {
    server = await bootstrappedServer(password);
  });
  afterAll(() => server.close());

  it('uploads, attaches to a contract and downloads, printing what the guide says', async () => {
    expect(blocks).toHaveLength(2);
    const stdout = await runBlocks([...signIn, ...blocks], { BASE: server.base, TANGRAM_ADMIN_PASSWORD: password });
    // The quick start's health check prints no newline: the upload's line follows it directly.
    const lines = stdout.trim().split(/\r?\n/);
    expect(lines.at(-3)).toMatch(/"status":"ok".*采购合同\.txt 12 text\/plain$/);
    expect(lines.slice(-2)).toEqual([
      '合同正文',
      `content-disposition: attachment; filename="____.txt"; filename*=UTF-8''${encodeURIComponent('采购合同.txt')}`,
    ]);
  });
});
