import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, type Person, buildAccessWorld, people } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

const subordinatesOrOwn = {
  rule: { or: [{ '==': [{ var: 'owner_id' }, { var: '$user.id' }] }, { in: [{ var: 'owner_id' }, { var: '$user.subordinateIds' }] }] },
};
const scopes = {
  none: 'none',
  own: 'own',
  department: 'department',
  department_and_below: 'department_and_below',
  all: 'all',
  subordinates_or_own: subordinatesOrOwn,
} as const;
type ScopeKey = keyof typeof scopes;

/**
 * The expected table, written out by hand from the organisation in access-fixture.ts: under each
 * scope, whose records each member reaches. (mgr heads 销售部 and manages alice, bob and carol;
 * alice and bob share 华东 under 销售部; carol is in 华南 under 销售部; dave is alone in 研发部.)
 */
const reach: Record<ScopeKey, Record<Person, Person[]>> = {
  none: { mgr: [], alice: [], bob: [], carol: [], dave: [] },
  own: { mgr: ['mgr'], alice: ['alice'], bob: ['bob'], carol: ['carol'], dave: ['dave'] },
  department: { mgr: ['mgr'], alice: ['alice', 'bob'], bob: ['alice', 'bob'], carol: ['carol'], dave: ['dave'] },
  department_and_below: { mgr: ['mgr', 'alice', 'bob', 'carol'], alice: ['alice', 'bob'], bob: ['alice', 'bob'], carol: ['carol'], dave: ['dave'] },
  all: {
    mgr: [...people],
    alice: [...people],
    bob: [...people],
    carol: [...people],
    dave: [...people],
  },
  subordinates_or_own: { mgr: ['mgr', 'alice', 'bob', 'carol'], alice: ['alice'], bob: ['bob'], carol: ['carol'], dave: ['dave'] },
};

const objects = ['deal', 'lead'] as const;
const actions = ['read', 'update', 'delete', 'export', 'transfer'] as const;

describe.each(await backends())('the permission matrix over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  // object → owner → { id, version }
  const records: Record<string, Record<Person, { id: string; version: number }>> = {};

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    for (const object of objects) {
      records[object] = {} as Record<Person, { id: string; version: number }>;
      for (const owner of people) {
        const r = await w.create(object, owner, { title: `${object} of ${owner}`, region: 'start' });
        (records[object] as Record<Person, { id: string; version: number }>)[owner] = { id: r.id, version: r.version };
      }
    }
  });
  afterAll(() => s.close());

  it('allows exactly what the table says: roles × objects × actions × scopes × record owners, ≥ 1,000 checks', async () => {
    const mismatches: string[] = [];
    let checks = 0;
    const check = (what: string, actual: unknown, expected: unknown) => {
      checks++;
      if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    };
    for (const object of objects) {
      const recs = records[object] as Record<Person, { id: string; version: number }>;
      const url = `${w.base}/objects/${object}/records`;
      for (const action of actions) {
        for (const [scopeKey, scope] of Object.entries(scopes) as [ScopeKey, (typeof scopes)[ScopeKey]][]) {
          const name = `${object}_${action}_${scopeKey}`;
          await w.putRole({ name, objects: { [object]: action === 'read' ? { read: scope } : { read: 'all', [action]: scope } } });
          for (const p of people) await w.assign(p, [name]);
          for (const actor of people) {
            const as = w.sessions[actor];
            const reached = reach[scopeKey][actor];
            const label = `${name} as ${actor}`;
            if (action === 'read') {
              const list = await s.as(as, { url: `${url}?limit=100&count=true` });
              if (scopeKey === 'none') check(`${label}: list`, list.json().error?.code, 'FORBIDDEN');
              else {
                const listed = new Set(list.json().records.map((r: { id: string }) => r.id));
                for (const owner of people) check(`${label}: list has ${owner}'s`, listed.has(recs[owner].id), reached.includes(owner));
                check(`${label}: count`, list.json().total, reached.length);
                const agg = await s.as(as, { method: 'POST', url: `${url}/aggregate`, payload: { measures: [{ fn: 'count', as: 'n' }] } });
                check(`${label}: aggregate count`, Number(agg.json().rows[0].n), reached.length);
              }
              for (const owner of people) {
                const got = await s.as(as, { url: `${url}/${recs[owner].id}` });
                check(`${label}: get ${owner}'s`, got.statusCode, reached.includes(owner) ? 200 : 404);
              }
            } else if (action === 'update') {
              for (const owner of people) {
                const r = recs[owner];
                const res = await s.as(as, {
                  method: 'PATCH',
                  url: `${url}/${r.id}`,
                  headers: { 'if-match': String(r.version) },
                  payload: { region: `${label}` },
                });
                check(`${label}: update ${owner}'s`, res.statusCode, reached.includes(owner) ? 200 : 403);
                if (res.statusCode === 200) r.version = res.json().version;
              }
            } else if (action === 'delete') {
              for (const owner of people) {
                const r = recs[owner];
                const res = await s.as(as, { method: 'DELETE', url: `${url}/${r.id}` });
                check(`${label}: delete ${owner}'s`, res.statusCode, reached.includes(owner) ? 204 : 403);
                if (res.statusCode === 204) {
                  const restored = await s.as(w.admin, { method: 'POST', url: `${url}/${r.id}/restore` });
                  r.version = restored.json().version;
                }
              }
            } else if (action === 'export') {
              const res = await s.as(as, { url: `${url}/export?format=json` });
              if (scopeKey === 'none') check(`${label}: export`, res.json().error?.code, 'FORBIDDEN');
              else {
                const exported = new Set(res.json().records.map((r: { id: string }) => r.id));
                for (const owner of people) check(`${label}: export has ${owner}'s`, exported.has(recs[owner].id), reached.includes(owner));
              }
            } else {
              for (const owner of people) {
                // Handing a record to its own owner moves nothing but is checked like any transfer.
                const res = await s.as(as, { method: 'POST', url: `${url}/transfer`, payload: { ids: [recs[owner].id], to: w.ids[owner] } });
                check(`${label}: transfer ${owner}'s`, res.statusCode, reached.includes(owner) ? 200 : 403);
              }
            }
          }
        }
      }
      // Creating: allowed by a role with create, refused without it.
      await w.putRole({ name: `${object}_maker`, objects: { [object]: { create: true, read: 'own' } } });
      await w.putRole({ name: `${object}_reader`, objects: { [object]: { read: 'all' } } });
      for (const [role, allowed] of [
        [`${object}_maker`, true],
        [`${object}_reader`, false],
      ] as const) {
        for (const p of people) await w.assign(p, [role]);
        for (const actor of people) {
          const res = await s.as(w.sessions[actor], { method: 'POST', url, payload: { title: `new by ${actor}` } });
          check(`${role} as ${actor}: create`, res.statusCode, allowed ? 201 : 403);
          if (allowed) check(`${role} as ${actor}: owner of the new record`, res.json().owner_id, w.ids[actor]);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checks).toBeGreaterThanOrEqual(1000);
    console.log(`permission matrix on ${backend}: ${checks} checks`);
  });
});
