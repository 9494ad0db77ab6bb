import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';

describe.each(await backends())('the outbox on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish({ objects: [{ name: 'note', fields: [{ name: 'body', type: 'text' }] }] });
    await t.tenant.records.bulkCreate(
      'note',
      Array.from({ length: 200 }, (_, i) => ({ body: `n${i}` })),
    );
  });
  afterAll(() => t.close());

  it('hands each event to exactly one of several concurrent workers of a consumer', async () => {
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (;;) {
          const batch = await t.tenant.outbox.claim('indexer', `w${w}`, { limit: 7 });
          if (!batch.length) return;
          seen.push(...batch.map((e) => e.id));
          await t.tenant.outbox.ack(
            'indexer',
            `w${w}`,
            batch.map((e) => e.id),
          );
        }
      }),
    );
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
  });

  it('gives every consumer its own copy of the stream', async () => {
    const events = await t.tenant.outbox.claim('mailer', 'm1', { limit: 1000 });
    expect(events).toHaveLength(200);
  });

  it('offers an unacknowledged event again once its lease runs out', async () => {
    const first = await t.tenant.outbox.claim('retrier', 'r1', { limit: 1, leaseMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const again = await t.tenant.outbox.claim('retrier', 'r2', { limit: 1 });
    expect(again.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(
      await t.tenant.outbox.ack(
        'retrier',
        'r1',
        first.map((e) => e.id),
      ),
    ).toBe(0);
    expect(
      await t.tenant.outbox.ack(
        'retrier',
        'r2',
        again.map((e) => e.id),
      ),
    ).toBe(1);
  });
});
