import { attachTestEngine, backends } from '@tangram/engine/testing';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type AccessWorld, type Person, buildAccessWorld, people } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

/**
 * Every cache whose answer depends on who asks (query plans, compiled scopes, resolved rights,
 * sealed cursors) must be keyed by everything that decides the answer. The class test: random
 * sequences of (member, query) in random order against one long-lived server, each answer compared
 * with what a fresh process — a new engine and app on the same database, nothing cached — gives
 * that member for the same request. A cache keyed by too little makes some order disagree.
 */

// Members differ in data scope and in hidden fields; several share the "all" scope.
const roles: Record<Person, Record<string, unknown>> = {
  mgr: { read: 'all' },
  dave: { read: 'all', fields: { cost: 'hidden', secret_note: 'hidden' } },
  carol: { read: 'all', fields: { region: 'hidden' } },
  alice: { read: 'own', fields: { cost: 'hidden' } },
  bob: { read: 'department_and_below', fields: { secret_note: 'hidden', amount: 'hidden' } },
};
const fields = ['title', 'amount', 'cost', 'margin', 'secret_note', 'stage', 'region', 'created_at'] as const;
const numeric = new Set(['amount', 'cost', 'margin']);

interface Query {
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  filter?: unknown;
  search?: string;
  fields?: string[];
  limit: number;
}
// A command names one of the run's few queries: repeats by other members are what a cache mixes up.
type Command = { kind: 'list'; who: Person; query: number; follow: boolean } | { kind: 'aggregate'; who: Person; groupBy: string; measure: string };

const filterOf = (field: string) => (numeric.has(field) ? { '>': [{ var: field }, 100] } : { '!=': [{ var: field }, null] });

const query: fc.Arbitrary<Query> = fc.record(
  {
    sort: fc.array(fc.record({ field: fc.constantFrom(...fields), direction: fc.constantFrom('asc' as const, 'desc' as const) }), { maxLength: 2 }),
    filter: fc.constantFrom(...fields).map(filterOf),
    search: fc.constantFrom('大单', 'XJ9', '华', 'east'),
    fields: fc.subarray([...fields], { minLength: 1 }),
    limit: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: ['limit'] },
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('list' as const), who: fc.constantFrom(...people), query: fc.nat(2), follow: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('aggregate' as const),
      who: fc.constantFrom(...people),
      groupBy: fc.constantFrom('stage', 'region', 'secret_note'),
      measure: fc.constantFrom('amount', 'cost', 'margin'),
    }),
  },
);

function listUrl(base: string, q: Query, after?: string): string {
  const p = new URLSearchParams({ limit: String(q.limit) });
  if (q.sort?.length) p.set('sort', JSON.stringify(q.sort));
  if (q.filter) p.set('filter', JSON.stringify(q.filter));
  if (q.search) p.set('search', q.search);
  if (q.fields) p.set('fields', q.fields.join(','));
  if (after) p.set('after', after);
  return `${base}/objects/deal/records?${p}`;
}

/** What must agree: status and the whole body, but a cursor only by being there (it is sealed with a fresh IV) and no request id. */
function answer(res: LightMyRequestResponse) {
  const body = res.json();
  if (body?.error) delete body.error.requestId;
  if (body && 'nextCursor' in body) body.nextCursor = body.nextCursor ? 'more' : 'end';
  return { status: res.statusCode, code: body?.error?.code, field: body?.error?.details?.problems?.[0]?.field, body };
}

describe.each(await backends())('caches answer each member as a fresh process would, on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    for (const p of people) {
      await w.putRole({ name: `r_${p}`, objects: { deal: roles[p] } });
      await w.assign(p, [`r_${p}`]);
    }
    const stages = ['new', 'won'];
    for (let i = 0; i < 12; i++) {
      const owner = people[i % people.length] as Person;
      await w.create('deal', owner, {
        title: `${i % 3 ? '华东' : '华南'}大单${i}`,
        amount: 100 + ((i * 37) % 500),
        cost: 50 + ((i * 53) % 400),
        secret_note: i % 2 ? `XJ9-${i}` : null,
        stage: stages[i % 2],
        region: i % 4 ? 'east' : 'south',
      });
    }
  });
  afterAll(() => s.close());

  /** The same request to a new engine and app on the same database: no cache has seen anything. */
  async function fresh(opts: InjectOptions): Promise<LightMyRequestResponse> {
    const engine = await attachTestEngine(s.engine.database);
    const app = await build({ engine, loginRateLimit: 1000 });
    try {
      return await app.inject(opts);
    } finally {
      await app.close();
    }
  }

  it('refuses the member without the right after one with it ran the same query (the reported leak)', async () => {
    const url = listUrl(w.base, { sort: [{ field: 'cost', direction: 'desc' }], limit: 2 });
    const mgr = await s.as(w.sessions.mgr, { url });
    expect(mgr.statusCode).toBe(200);
    expect(mgr.json().nextCursor).toEqual(expect.any(String));
    const dave = await s.as(w.sessions.dave, { url });
    expect(answer(dave)).toMatchObject({ status: 403, code: 'FIELD_FORBIDDEN', field: 'cost' });
    // The cursor the manager got shows nothing and is no use to anyone else.
    const cursor = mgr.json().nextCursor as string;
    for (const r of mgr.json().records) expect(cursor).not.toContain(String(r.cost));
    const stolen = await s.as(w.sessions.carol, { url: listUrl(w.base, { sort: [{ field: 'cost', direction: 'desc' }], limit: 2 }, cursor) });
    expect(answer(stolen)).toMatchObject({ status: 400, code: 'CURSOR_INVALID' });
  });

  it('gives every member in every order the answer a fresh process gives', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(query, { minLength: 3, maxLength: 3 }), fc.array(command, { minLength: 2, maxLength: 8 }), async (queries, commands) => {
        let last: { query: Query; cursor: string } | undefined;
        for (const c of commands) {
          const session = w.sessions[c.who];
          let opts: InjectOptions;
          if (c.kind === 'aggregate')
            opts = {
              method: 'POST',
              url: `${w.base}/objects/deal/records/aggregate`,
              payload: { groupBy: [c.groupBy], measures: [{ fn: 'sum', field: c.measure }] },
              headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
            };
          else {
            const q = c.follow && last ? last.query : (queries[c.query] as Query);
            opts = { url: listUrl(w.base, q, c.follow ? last?.cursor : undefined), headers: { cookie: session.cookie } };
          }
          const got = await s.app.inject(opts);
          const want = await fresh(opts);
          expect({ who: c.who, command: c, ...answer(got) }).toEqual({ who: c.who, command: c, ...answer(want) });
          const cursor = c.kind === 'list' && got.statusCode === 200 ? got.json().nextCursor : null;
          if (cursor && c.kind === 'list') last = { query: c.follow && last ? last.query : (queries[c.query] as Query), cursor };
        }
      }),
      { numRuns: 20 },
    );
  });
});
