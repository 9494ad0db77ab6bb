import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrappedServer, readGuide, runBlocks } from './testing/guide';

const { blocks } = readGuide('workflows.md');
// Signing in and making the admin's token: the API quick start's first steps, as written there.
const signIn = readGuide('api-quickstart.md').blocks.slice(0, 3);

// The guide's transcript, run as written against a server bootstrapped like `tangram serve`
// (demo tenant with the CRM template, its quote discount approval and the demo members).
describe('docs/guides/workflows.md', () => {
  let server: Awaited<ReturnType<typeof bootstrappedServer>>;
  const password = 'workflows-guide-password';
  beforeAll(async () => {
    server = await bootstrappedServer(password);
  });
  afterAll(() => server.close());

  it('submits a quote, is refused while it is locked, approves it in 会签 and prints the history', async () => {
    expect(blocks).toHaveLength(5);
    const stdout = await runBlocks([...signIn, ...blocks], { BASE: server.base, TANGRAM_ADMIN_PASSWORD: password });
    // The quick start's health check prints no newline: the workflows list follows it directly.
    const lines = stdout.trim().split(/\r?\n/);
    expect(lines.slice(-14)).toEqual([
      expect.stringMatching(/"status":"ok".*contract contract_approval$/),
      'quote quote_discount',
      // Submitted at 25%: the 会签 step, one task for the sales manager and one for finance; the status is the process's.
      'running 销售经理与财务会签 2',
      'approving',
      'WORKFLOW_RECORD_LOCKED /payment_terms',
      // The sales manager has it in 待办; after his approval 会签 still waits for finance; finance's ends it.
      'true',
      'running',
      'approved',
      'approved',
      'submitted 管理员 大客户，首单让利',
      'approved 周总监 同意',
      'approved 陈会计',
      'passed -',
      'approved -',
    ]);
  });
});
