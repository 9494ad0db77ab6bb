import { type IncomingMessage, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestServer, setupServer } from './testing/harness';

// `app.serving()` tells the worker in `tangram serve` whether requests are being answered (the
// jobs then wait for a gap: Jobs.start's `foreground`). A request counts from its arrival until
// its response is closed, however it ends; a notification stream, open for minutes, never counts.

describe.each(await backends())('requests being served on %s', (backend) => {
  let server: TestServer;
  let base = '';
  const waiting: (() => void)[] = [];
  const release = () => {
    for (const r of waiting.splice(0)) r();
  };
  let held = 0;

  beforeAll(async () => {
    server = await setupServer(backend);
    server.app.get('/test/hold', async () => {
      held++;
      await new Promise<void>((r) => {
        waiting.push(r);
      });
      return { ok: true };
    });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    release();
    return server.close();
  });

  const open = (url: string, headers: Record<string, string> = {}) =>
    new Promise<IncomingMessage>((resolve, reject) => httpGet(url, { agent: false, headers }, resolve).on('error', reject));

  it('counts a request from its arrival until it is answered', async () => {
    expect(server.app.serving()).toBe(false);
    const answer = open(`${base}/test/hold`);
    await vi.waitFor(() => expect(held).toBe(1), { timeout: 60_000 });
    expect(server.app.serving()).toBe(true);
    release();
    (await answer).resume();
    await vi.waitFor(() => expect(server.app.serving()).toBe(false), { timeout: 60_000 });
  });

  it('is busy only while requests pile up: several in flight for a while, not one', async () => {
    const answers = [open(`${base}/test/hold`)];
    await vi.waitFor(() => expect(held).toBe(2), { timeout: 60_000 });
    // One request in flight, however long: not busy.
    await new Promise((r) => setTimeout(r, 300));
    expect(server.app.serving()).toBe(true);
    expect(server.app.busy()).toBe(false);
    // Three at once for a while: busy.
    answers.push(open(`${base}/test/hold`), open(`${base}/test/hold`));
    await vi.waitFor(() => expect(held).toBe(4), { timeout: 60_000 });
    await vi.waitFor(() => expect(server.app.busy()).toBe(true), { timeout: 60_000 });
    release();
    for (const a of answers) (await a).resume();
    await vi.waitFor(() => expect(server.app.busy()).toBe(false), { timeout: 60_000 });
  });

  it('stops counting a request whose client went away before the answer', async () => {
    const req = httpGet(`${base}/test/hold`, { agent: false });
    req.on('error', () => {});
    await vi.waitFor(() => expect(held).toBe(5), { timeout: 60_000 });
    expect(server.app.serving()).toBe(true);
    req.destroy();
    await vi.waitFor(() => expect(server.app.serving()).toBe(false), { timeout: 60_000 });
    release();
  });

  it('does not count an open notification stream', async () => {
    const session = await server.login(server.admin.email, server.admin.password);
    const stream = await open(`${base}/api/v1/t/${server.tenant}/notifications/stream`, { accept: 'text/event-stream', cookie: session.cookie });
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    await vi.waitFor(() => expect(server.app.serving()).toBe(false), { timeout: 60_000 });
    stream.destroy();
  });
});
