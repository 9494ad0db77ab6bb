import { Writable } from 'node:stream';
import { Engine } from '@tangram/engine';
import { openTestDatabase } from '@tangram/engine/testing';
import { describe, expect, it } from 'vitest';
import { build, defaultLogger } from './app';

describe('request logging', () => {
  it('logs each request with its id and never the credentials', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const engine = await Engine.attach(await openTestDatabase('pglite'));
    const app = await build({ engine, logger: { ...(defaultLogger as object), level: 'info', stream } as never });
    const secret = 'tg_deadbeef_this-is-a-secret-token';
    const res = await app.inject({
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${secret}`, cookie: 'tangram_session=also-secret', 'x-request-id': 'req-42' },
    });
    await app.close();
    await engine.close();
    expect(res.headers['x-request-id']).toBe('req-42');
    const log = lines.join('');
    expect(log).toContain('"reqId":"req-42"');
    // One line per request, with what an operator looks for.
    const request = lines.map((l) => JSON.parse(l)).filter((l) => l.reqId === 'req-42' && l.msg === 'request completed');
    expect(request).toEqual([expect.objectContaining({ req: expect.objectContaining({ method: 'GET', url: '/api/v1/auth/me' }), res: { statusCode: 401 } })]);
    expect(request[0].responseTime).toEqual(expect.any(Number));
    expect(log).not.toContain(secret);
    expect(log).not.toContain('also-secret');
  });
});
