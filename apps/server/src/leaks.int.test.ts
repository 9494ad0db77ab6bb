import { backends } from '@tangram/engine/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld } from './testing/access-fixture';
import { type Session, type TestServer, setupServer } from './testing/harness';

// Values only the hidden fields hold: no response to the analyst may contain them.
const secretCost = 777.25;
const secretNote = '绝密底价XJ9';

describe.each(await backends())('what a member may not read stays hidden, on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let deal: string;
  let dealsUrl: string;
  const seen: string[] = [];
  /** A request as the analyst; every body is kept to scan for the secrets at the end. */
  const analyst = async (opts: InjectOptions): Promise<LightMyRequestResponse> => {
    const res = await s.as(w.sessions.dave, opts);
    seen.push(res.body);
    return res;
  };
  const code = (res: LightMyRequestResponse) => res.json().error?.code;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    dealsUrl = `${w.base}/objects/deal/records`;
    await w.putRole({
      name: 'analyst',
      objects: {
        deal: { read: 'all', update: 'all', export: 'all', fields: { cost: 'hidden', secret_note: 'hidden', amount: 'read' } },
        contract: { read: 'all' },
      },
    });
    await w.assign('dave', ['analyst']);
    deal = (await w.create('deal', 'alice', { title: '华东大单', amount: 1000, cost: secretCost, secret_note: secretNote, stage: 'new' })).id;
    await w.create('contract', 'alice', { title: '合同', deal });
  });
  afterAll(() => s.close());

  it('leaves hidden fields, and formulas computed from them, out of records and lists', async () => {
    const got = (await analyst({ url: `${dealsUrl}/${deal}` })).json();
    expect(got).toMatchObject({ title: '华东大单', amount: 1000 });
    for (const hidden of ['cost', 'margin', 'secret_note']) expect(got).not.toHaveProperty(hidden);
    const listed = (await analyst({ url: dealsUrl })).json().records[0];
    expect(listed.title).toBe('华东大单');
    expect(listed).not.toHaveProperty('cost');
    // The admin sees them: the test data holds what the analyst must not see.
    expect((await s.as(w.admin, { url: `${dealsUrl}/${deal}` })).json()).toMatchObject({ cost: secretCost, margin: 1000 - secretCost });
  });

  it('refuses filtering, sorting, selecting and grouping on hidden fields instead of ignoring them', async () => {
    const filter = (f: unknown) => analyst({ url: `${dealsUrl}?filter=${encodeURIComponent(JSON.stringify(f))}` });
    for (const f of [
      { '==': [{ var: 'cost' }, secretCost] },
      { '>': [{ var: 'margin' }, 0] },
      { and: [{ '==': [{ var: 'stage' }, 'new'] }, { '!': { '<': [{ var: 'cost' }, 100] } }] },
      { in: ['XJ9', { var: 'secret_note' }] },
    ]) {
      const res = await filter(f);
      expect(res.statusCode).toBe(403);
      expect(code(res)).toBe('FIELD_FORBIDDEN');
    }
    expect(code(await filter({ '==': [{ var: 'stage' }, 'new'] }))).toBeUndefined();
    expect(code(await analyst({ url: `${dealsUrl}?sort=cost` }))).toBe('FIELD_FORBIDDEN');
    expect(code(await analyst({ url: `${dealsUrl}?sort=-margin` }))).toBe('FIELD_FORBIDDEN');
    expect(code(await analyst({ url: `${dealsUrl}?fields=title,cost` }))).toBe('FIELD_FORBIDDEN');
    const query = await analyst({ method: 'POST', url: `${dealsUrl}/query`, payload: { filter: { '<': [{ var: 'cost' }, 1000] } } });
    expect(code(query)).toBe('FIELD_FORBIDDEN');
    const agg = (payload: unknown) => analyst({ method: 'POST', url: `${dealsUrl}/aggregate`, payload: payload as object });
    expect(code(await agg({ measures: [{ fn: 'sum', field: 'cost' }] }))).toBe('FIELD_FORBIDDEN');
    expect(code(await agg({ measures: [{ fn: 'max', field: 'margin' }] }))).toBe('FIELD_FORBIDDEN');
    expect(code(await agg({ groupBy: ['secret_note'], measures: [{ fn: 'count' }] }))).toBe('FIELD_FORBIDDEN');
    expect(code(await agg({ measures: [{ fn: 'count' }], filter: { '>': [{ var: 'cost' }, 700] } }))).toBe('FIELD_FORBIDDEN');
    expect((await agg({ groupBy: ['stage'], measures: [{ fn: 'sum', field: 'amount', as: 'total' }] })).json().rows).toEqual([{ stage: 'new', total: 1000 }]);
  });

  it('does not search hidden fields', async () => {
    expect((await analyst({ url: `${dealsUrl}?search=XJ9` })).json().records).toEqual([]);
    expect((await analyst({ url: `${dealsUrl}?search=${encodeURIComponent('华东')}` })).json().records).toHaveLength(1);
    expect((await s.as(w.admin, { url: `${dealsUrl}?search=XJ9` })).json().records).toHaveLength(1);
  });

  it('hides them in expanded records, history, export and error messages', async () => {
    const contracts = (await analyst({ url: `${w.base}/objects/contract/records?expand=deal` })).json().records;
    expect(contracts[0].$expanded.deal).toMatchObject({ id: deal, title: '华东大单' });
    expect(contracts[0].$expanded.deal).not.toHaveProperty('cost');

    // An admin change of the hidden field alone does not show up in the analyst's history.
    const before = (await analyst({ url: `${dealsUrl}/${deal}/history` })).json().entries;
    const current = (await s.as(w.admin, { url: `${dealsUrl}/${deal}` })).json();
    await s.as(w.admin, { method: 'PATCH', url: `${dealsUrl}/${deal}`, headers: { 'if-match': String(current.version) }, payload: { cost: secretCost + 1 } });
    await s.as(w.admin, {
      method: 'PATCH',
      url: `${dealsUrl}/${deal}`,
      headers: { 'if-match': String(current.version + 1) },
      payload: { cost: secretCost, stage: 'won' },
    });
    const after = (await analyst({ url: `${dealsUrl}/${deal}/history` })).json().entries;
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1).changes).toEqual({ stage: { before: 'new', after: 'won' } });
    expect((await s.as(w.admin, { url: `${dealsUrl}/${deal}/history` })).json().entries).toHaveLength(before.length + 2);

    const csv = await analyst({ url: `${dealsUrl}/export` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toContain('title');
    expect(csv.body.split('\r\n')[0]).not.toContain('cost');

    // A stale write answers with the current record: without the hidden fields.
    const version = (await analyst({ url: `${dealsUrl}/${deal}` })).json().version;
    const stale = await analyst({ method: 'PATCH', url: `${dealsUrl}/${deal}`, headers: { 'if-match': String(version - 1) }, payload: { title: 'x' } });
    expect(code(stale)).toBe('RECORD_VERSION_CONFLICT');
    expect(stale.json().error.details.current.title).toBe('华东大单');

    // Writing a hidden field is refused whatever the value, so a guess cannot be confirmed.
    for (const guess of [secretCost, 1]) {
      const res = await analyst({ method: 'PATCH', url: `${dealsUrl}/${deal}`, headers: { 'if-match': String(version) }, payload: { cost: guess } });
      expect(res.statusCode).toBe(403);
      expect(code(res)).toBe('FIELD_FORBIDDEN');
    }
    // A read-only field may be sent back unchanged, not changed.
    const same = await analyst({
      method: 'PATCH',
      url: `${dealsUrl}/${deal}`,
      headers: { 'if-match': String(version) },
      payload: { amount: 1000, title: '华东大单 二期' },
    });
    expect(same.statusCode).toBe(200);
    const changed = await analyst({ method: 'PATCH', url: `${dealsUrl}/${deal}`, headers: { 'if-match': String(version + 1) }, payload: { amount: 5 } });
    expect(code(changed)).toBe('FIELD_READ_ONLY');
    expect(changed.json().error.details.problems[0].field).toBe('amount');
  });

  it('never put a hidden value in any response the analyst got', () => {
    expect(seen.length).toBeGreaterThan(20);
    for (const body of seen) {
      expect(body, body).not.toContain(String(secretCost));
      expect(body).not.toContain(secretNote);
      expect(body).not.toContain(String(1000 - secretCost));
    }
  });
});

describe.each(await backends())('a member whose scope is "own" cannot reach other records, on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let url: string;
  let mine: { id: string; version: number };
  let theirs: { id: string; version: number };
  let alice: Session;
  const code = (res: LightMyRequestResponse) => res.json().error?.code;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    url = `${w.base}/objects/deal/records`;
    const own = { create: true, read: 'own', update: 'own', delete: 'own', transfer: 'own', export: 'own' };
    await w.putRole({ name: 'rep', objects: { deal: own, contract: own } });
    for (const p of ['alice', 'bob', 'carol'] as const) await w.assign(p, ['rep']);
    alice = w.sessions.alice;
    mine = await w.create('deal', 'alice', { title: 'mine', amount: 1 });
    theirs = await w.create('deal', 'bob', { title: 'theirs', amount: 2 });
    await w.create('contract', 'alice', { title: 'my contract on their deal', deal: theirs.id });
  });
  afterAll(() => s.close());

  it('answers "not found" for their record by id, on every path, before anything else is checked', async () => {
    const paths: InjectOptions[] = [
      { url: `${url}/${theirs.id}` },
      { url: `${url}/${theirs.id}/history` },
      { url: `${url}/${theirs.id}/shares` },
      { method: 'PATCH', url: `${url}/${theirs.id}`, headers: { 'if-match': '999' }, payload: { title: 'x' } },
      { method: 'DELETE', url: `${url}/${theirs.id}` },
      { method: 'POST', url: `${url}/${theirs.id}/revert`, payload: { version: 1 } },
      { method: 'POST', url: `${url}/${theirs.id}/shares`, payload: { userId: w.ids.alice } },
      { method: 'POST', url: `${url}/transfer`, payload: { ids: [theirs.id], to: w.ids.alice } },
    ];
    for (const p of paths) {
      const res = await s.as(alice, p);
      expect(res.statusCode, `${p.method ?? 'GET'} ${p.url}`).toBe(404);
      expect(res.body).not.toContain('theirs');
    }
    expect((await s.as(alice, { url })).json().records.map((r: { id: string }) => r.id)).toEqual([mine.id]);
  });

  it('expands their record as nothing', async () => {
    const contract = (await s.as(alice, { url: `${w.base}/objects/contract/records?expand=deal` })).json().records[0];
    expect(contract.deal).toBe(theirs.id);
    expect(contract.$expanded.deal).toBeNull();
  });

  it('refuses a bulk update or delete that includes their record, changing nothing', async () => {
    const bulk = await s.as(alice, {
      method: 'POST',
      url: `${url}/bulk`,
      payload: {
        update: [
          { id: mine.id, version: mine.version, values: { title: 'changed' } },
          { id: theirs.id, values: { title: 'changed' } },
        ],
      },
    });
    expect(bulk.statusCode).toBe(404);
    expect(bulk.json().error.details.index).toBe(1);
    const del = await s.as(alice, { method: 'POST', url: `${url}/bulk`, payload: { delete: [mine.id, theirs.id] } });
    expect(del.statusCode).toBe(404);
    const admin = (await s.as(w.admin, { url: `${url}?sort=title` })).json().records;
    expect(admin.map((r: { title: string; version: number }) => [r.title, r.version])).toEqual([
      ['mine', 1],
      ['theirs', 1],
    ]);
  });

  it('cannot restore their deleted record nor see it in the recycle bin', async () => {
    await s.as(w.admin, { method: 'DELETE', url: `${url}/${theirs.id}` });
    expect((await s.as(alice, { method: 'POST', url: `${url}/${theirs.id}/restore` })).statusCode).toBe(404);
    expect((await s.as(alice, { url: `${url}?deleted=true` })).json().records).toEqual([]);
    expect((await s.as(w.sessions.bob, { url: `${url}?deleted=true` })).json().records).toHaveLength(1);
    expect((await s.as(w.sessions.bob, { method: 'POST', url: `${url}/${theirs.id}/restore` })).statusCode).toBe(200);
  });

  it('shares a record with a member (read, then edit) and with a department', async () => {
    const carol = w.sessions.carol;
    expect((await s.as(carol, { url: `${url}/${mine.id}` })).statusCode).toBe(404);
    const share = await s.as(alice, { method: 'POST', url: `${url}/${mine.id}/shares`, payload: { userId: w.ids.carol, access: 'read' } });
    expect(share.statusCode).toBe(201);
    const got = await s.as(carol, { url: `${url}/${mine.id}` });
    expect(got.statusCode).toBe(200);
    const patch = () =>
      s.as(carol, { method: 'PATCH', url: `${url}/${mine.id}`, headers: { 'if-match': String(got.json().version) }, payload: { title: 'by carol' } });
    expect((await patch()).statusCode).toBe(403);
    await s.as(alice, { method: 'POST', url: `${url}/${mine.id}/shares`, payload: { userId: w.ids.carol, access: 'edit' } });
    expect((await patch()).statusCode).toBe(200);
    // Carol may edit but not re-share further than her own rights: she can, as sharing needs update.
    const shares = (await s.as(alice, { url: `${url}/${mine.id}/shares` })).json().shares;
    expect(shares).toHaveLength(1);
    expect(shares[0]).toMatchObject({ userId: w.ids.carol, access: 'edit' });
    // A department share reaches its members (bob is in 华东 with alice; dave is not).
    await s.as(alice, { method: 'POST', url: `${url}/${mine.id}/shares`, payload: { departmentId: w.departments.east } });
    expect((await s.as(w.sessions.bob, { url: `${url}/${mine.id}` })).statusCode).toBe(200);
    expect(
      code(await s.as(alice, { method: 'POST', url: `${url}/${mine.id}/shares`, payload: { userId: w.ids.carol, departmentId: w.departments.east } })),
    ).toBe('VALIDATION_FAILED');
    for (const share of (await s.as(alice, { url: `${url}/${mine.id}/shares` })).json().shares)
      expect((await s.as(alice, { method: 'DELETE', url: `${url}/${mine.id}/shares/${share.id}` })).statusCode).toBe(204);
    expect((await s.as(carol, { url: `${url}/${mine.id}` })).statusCode).toBe(404);
    expect((await s.as(w.sessions.bob, { url: `${url}/${mine.id}` })).statusCode).toBe(404);
  });

  it('transfers ownership within the transfer scope, audited, and an admin hands over everything a leaver owns', async () => {
    const moved = await s.as(alice, { method: 'POST', url: `${url}/transfer`, payload: { ids: [mine.id], to: w.ids.carol } });
    expect(moved.json()).toEqual({ transferred: 1 });
    expect((await s.as(alice, { url: `${url}/${mine.id}` })).statusCode).toBe(404);
    const history = (await s.as(w.sessions.carol, { url: `${url}/${mine.id}/history` })).json().entries;
    expect(history.at(-1)).toMatchObject({ action: 'transfer', actor: w.ids.alice, changes: { owner_id: { before: w.ids.alice, after: w.ids.carol } } });
    expect(code(await s.as(alice, { method: 'POST', url: `${w.base}/access/transfer`, payload: { from: w.ids.carol, to: w.ids.alice } }))).toBe('FORBIDDEN');
    const all = await s.as(w.admin, { method: 'POST', url: `${w.base}/access/transfer`, payload: { from: w.ids.alice, to: w.ids.dave } });
    expect(all.json()).toEqual({ transferred: 1, byObject: { contract: 1 } });
    expect(code(await s.as(w.admin, { method: 'POST', url: `${w.base}/access/transfer`, payload: { from: w.ids.alice, to: 'nobody' } }))).toBe(
      'VALIDATION_FAILED',
    );
  });
});
