import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrappedServer, readGuide, runBlocks } from './testing/guide';

const { blocks } = readGuide('reports.md');
// Signing in and making the admin's token: the API quick start's first steps, as written there.
const signIn = readGuide('api-quickstart.md').blocks.slice(0, 3);

// The guide's transcript, run as written against a server bootstrapped like `tangram serve`
// (demo tenant with the CRM template, its dashboards and the demo members).
describe('docs/guides/reports.md', () => {
  let server: Awaited<ReturnType<typeof bootstrappedServer>>;
  const password = 'reports-guide-password';
  beforeAll(async () => {
    server = await bootstrappedServer(password);
  });
  afterAll(() => server.close());

  it('lists the dashboards per role, runs the funnel as the admin and a rep, drills into a cell, is refused a hidden field and cross-filters', async () => {
    expect(blocks).toHaveLength(6);
    const stdout = await runBlocks([...signIn, ...blocks], { BASE: server.base, TANGRAM_ADMIN_PASSWORD: password });
    const lines = stdout.trim().split(/\r?\n/);
    expect(lines.slice(-12)).toEqual([
      // the quick start's health check prints no newline: the first dashboard line follows it
      expect.stringMatching(/"status":"ok".*sales_director true 11$/),
      'my_numbers',
      'initial,needs,proposal,quote,negotiation,won,lost',
      'true',
      'true',
      'true',
      'account.region:row quarter:row n:value amount:value',
      'true',
      '403',
      'FIELD_FORBIDDEN /values/0/field',
      'true true',
      'false',
    ]);
  });
});
