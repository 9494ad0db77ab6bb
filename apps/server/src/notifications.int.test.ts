import { type IncomingMessage, get as httpGet } from 'node:http';
import { attachTestEngine, backends, openTestDatabase } from '@tangram/engine/testing';
import type { TenantEngine } from '@tangram/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

/** An open event stream: the events it received (name and data), in order. */
interface Stream {
  events: { event: string; data: unknown }[];
  /** Resolves once `n` events of this name arrived (the stream is read as they come). */
  until(event: string, n?: number): Promise<unknown[]>;
  ended: Promise<void>;
  close(): void;
}

/** A GET on its own connection (no keep-alive, so closing the server does not wait for it). */
function get(url: string, session?: Session): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, headers: { accept: 'text/event-stream', ...(session ? { cookie: session.cookie } : {}) } }, resolve);
    req.on('error', reject);
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
}

async function openStream(url: string, session: Session): Promise<Stream> {
  const res = await get(url, session);
  if (res.statusCode !== 200) throw new Error(`stream refused: ${res.statusCode} ${await readAll(res)}`);
  res.setEncoding('utf8');
  const events: Stream['events'] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const ended = (async () => {
    let buffer = '';
    try {
      for await (const chunk of res) {
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) events.push({ event, data: data ? JSON.parse(data) : undefined });
          for (const w of [...waiters]) w();
          cut = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // closed by close()
    }
    done = true;
    for (const w of [...waiters]) w();
  })();
  return {
    events,
    ended,
    async until(event, n = 1) {
      const of = () => events.filter((e) => e.event === event).map((e) => e.data);
      while (of().length < n) {
        if (done) throw new Error(`the stream ended after ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          const w = () => {
            waiters.delete(w);
            r();
          };
          waiters.add(w);
        });
      }
      return of();
    },
    close: () => res.destroy(),
  };
}

/**
 * The notification centre through HTTP (issue 14): a member lists, counts and marks read their
 * own notifications, sets their e-mail preferences, and receives new ones live on an event
 * stream; nobody sees another member's notifications, nor another tenant's, on the list or the stream.
 */
describe.each(await backends())('notifications over HTTP on %s', (backend) => {
  let s: TestServer;
  let base: string;
  let tenant: TenantEngine;
  let second: TenantEngine;
  const ids = { ann: '', bob: '', eve: '' };
  const sessions = {} as Record<'ann' | 'bob' | 'eve', Session>;
  const url = (path: string, slug = s.tenant) => `/api/v1/t/${slug}/notifications${path}`;
  const notify = (t: TenantEngine, to: string[], title: string, extra: Record<string, unknown> = {}) =>
    t.notifications.notify(s.engine.db, { to, kind: 'deal.at_risk', title, ...extra });

  beforeAll(async () => {
    s = await setupServer(backend, { notificationHeartbeatMs: 100 });
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const address = s.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const secondSlug = `${s.tenant}b`;
    await s.createTenant(secondSlug);
    tenant = await s.engine.tenant(s.tenant);
    second = await s.engine.tenant(secondSlug);
    for (const name of ['ann', 'bob', 'eve'] as const) {
      const user = await s.engine.identity.createUser({ email: `${name}@${s.domain}`, name, password: `${name} password 1` });
      ids[name] = user.id;
      // Ann and Bob are members of the first tenant; Ann of the second too; Eve of the second only.
      if (name !== 'eve') await s.engine.identity.addMember(tenant.tenant, user, 'member');
      if (name !== 'bob') await s.engine.identity.addMember(second.tenant, user, 'member');
      sessions[name] = await s.login(`${name}@${s.domain}`, `${name} password 1`);
    }
  });
  afterAll(() => s.close());

  it('lists my notifications newest first, counts the unread and marks them read', async () => {
    const recordId = '01890000-0000-7000-8000-000000000001';
    await notify(tenant, [ids.ann], '第一条');
    await notify(tenant, [ids.ann], '第二条', { body: '商机 A', link: { object: 'opportunity', recordId } });
    const count = await s.as(sessions.ann, { url: url('/unread-count') });
    expect(count.json()).toEqual({ count: 2 });
    const page = await s.as(sessions.ann, { url: url(''), query: { limit: '1' } });
    expect(page.statusCode).toBe(200);
    const [newest] = page.json().notifications;
    expect(newest).toMatchObject({ title: '第二条', body: '商机 A', link: { object: 'opportunity', recordId }, readAt: null, kind: 'deal.at_risk' });
    const older = await s.as(sessions.ann, { url: url(''), query: { before: page.json().nextBefore } });
    expect(older.json()).toMatchObject({ notifications: [{ title: '第一条' }], nextBefore: null });
    const read = await s.as(sessions.ann, { method: 'POST', url: url('/read'), payload: { ids: [newest.id] } });
    expect(read.json()).toEqual({ marked: 1 });
    expect((await s.as(sessions.ann, { url: url(''), query: { unreadOnly: 'true' } })).json().notifications.map((n: { title: string }) => n.title)).toEqual([
      '第一条',
    ]);
    expect((await s.as(sessions.ann, { method: 'POST', url: url('/read'), payload: { ids: 'all' } })).json()).toEqual({ marked: 1 });
    expect((await s.as(sessions.ann, { url: url('/unread-count') })).json()).toEqual({ count: 0 });
  });

  it('refuses bad input with VALIDATION_FAILED naming the field', async () => {
    const limit = await s.as(sessions.ann, { url: url(''), query: { limit: '0' } });
    expect(limit.statusCode).toBe(400);
    expect(limit.json().error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(limit.json().error.details)).toContain('limit');
    const badIds = await s.as(sessions.ann, { method: 'POST', url: url('/read'), payload: { ids: ['not-a-uuid'] } });
    expect(badIds.json().error.code).toBe('VALIDATION_FAILED');
    const badPrefs = await s.as(sessions.ann, { method: 'PUT', url: url('/preferences'), payload: { email: { 'deal.at_risk': 'yes' } } });
    expect(badPrefs.json().error.code).toBe('VALIDATION_FAILED');
    const noSignIn = await s.app.inject({ url: url('/unread-count') });
    expect(noSignIn.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('keeps my e-mail preferences per kind, in-app always on', async () => {
    const put = await s.as(sessions.bob, { method: 'PUT', url: url('/preferences'), payload: { email: { 'deal.at_risk': false } } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ inApp: true, email: { 'deal.at_risk': false }, emailDefault: true });
    expect((await s.as(sessions.bob, { url: url('/preferences') })).json().email).toEqual({ 'deal.at_risk': false });
    expect((await s.as(sessions.ann, { url: url('/preferences') })).json().email).toEqual({ 'deal.at_risk': true });
  });

  it('never shows me another member’s notifications, nor another tenant’s', async () => {
    const [bobs] = await notify(tenant, [ids.bob], 'Bob 的通知');
    const [annElsewhere] = await notify(second, [ids.ann], 'Ann 在另一个企业的通知');
    const annList = (await s.as(sessions.ann, { url: url(''), query: { limit: '100' } })).json().notifications;
    const annIds = annList.map((n: { id: string }) => n.id);
    expect(annIds).not.toContain(bobs!.id);
    expect(annIds).not.toContain(annElsewhere!.id);
    // Marking someone else's notification read does nothing.
    expect((await s.as(sessions.ann, { method: 'POST', url: url('/read'), payload: { ids: [bobs!.id, annElsewhere!.id] } })).json()).toEqual({ marked: 0 });
    expect((await s.as(sessions.bob, { url: url('/unread-count') })).json()).toEqual({ count: 1 });
    // In the other tenant Ann sees hers there, and Eve (not a member of the first tenant) cannot reach its notifications at all.
    const elsewhere = (await s.as(sessions.ann, { url: url('', second.tenant.slug) })).json().notifications;
    expect(elsewhere.map((n: { id: string }) => n.id)).toEqual([annElsewhere!.id]);
    const eve = await s.as(sessions.eve, { url: url('') });
    expect(eve.json().error.code).toBe('TENANT_NOT_FOUND');
  });

  it('streams my new notifications live, and nobody else’s', async () => {
    const ann = await openStream(`${base}${url('/stream')}`, sessions.ann);
    const bob = await openStream(`${base}${url('/stream')}`, sessions.bob);
    const annSecond = await openStream(`${base}${url('/stream', second.tenant.slug)}`, sessions.ann);
    expect(await ann.until('ready')).toEqual([{ unread: 0 }]);
    await bob.until('ready');
    await annSecond.until('ready');
    await notify(tenant, [ids.bob], '只给 Bob');
    await notify(second, [ids.ann], '另一个企业里给 Ann');
    await notify(tenant, [ids.ann], '给 Ann', { link: { object: 'opportunity', recordId: '01890000-0000-7000-8000-000000000002' } });
    expect(await ann.until('notification')).toMatchObject([{ title: '给 Ann', link: { object: 'opportunity' } }]);
    expect(await bob.until('notification')).toMatchObject([{ title: '只给 Bob' }]);
    expect(await annSecond.until('notification')).toMatchObject([{ title: '另一个企业里给 Ann' }]);
    // Marked read in another tab: the stream says so.
    await s.as(sessions.ann, { method: 'POST', url: url('/read'), payload: { ids: 'all' } });
    await ann.until('read');
    const seen = (st: Stream) => st.events.filter((e) => e.event === 'notification').map((e) => (e.data as { title: string }).title);
    expect(seen(ann)).toEqual(['给 Ann']);
    expect(seen(bob)).toEqual(['只给 Bob']);
    expect(seen(annSecond)).toEqual(['另一个企业里给 Ann']);
    for (const st of [ann, bob, annSecond]) st.close();
    // The server lets go of every subscription once the clients are gone.
    await vi.waitFor(() => expect(s.engine.notificationHub.size).toBe(0), { timeout: 60_000, interval: 50 });
  });

  it.runIf(backend === 'postgres')('streams a notification another process wrote (a worker), through LISTEN/NOTIFY', async () => {
    const database = await openTestDatabase('postgres', 2);
    try {
      const worker = await attachTestEngine(database);
      const ann = await openStream(`${base}${url('/stream')}`, sessions.ann);
      await ann.until('ready');
      const elsewhere = await worker.tenant(s.tenant);
      await database.db.transaction().execute((trx) => elsewhere.notifications.notify(trx, { to: [ids.ann], kind: 'worker', title: '来自 worker' }));
      expect(await ann.until('notification')).toMatchObject([{ title: '来自 worker', kind: 'worker' }]);
      ann.close();
    } finally {
      await database.close();
    }
  });

  it('refuses the stream to callers outside the tenant and ends it when the caller signs out', async () => {
    const refused = await get(`${base}${url('/stream')}`, sessions.eve);
    expect(refused.statusCode).toBe(404);
    expect(JSON.parse(await readAll(refused)).error.code).toBe('TENANT_NOT_FOUND');
    const anonymous = await get(`${base}${url('/stream')}`);
    expect(anonymous.statusCode).toBe(401);
    await readAll(anonymous);
    const bob = await openStream(`${base}${url('/stream')}`, sessions.bob);
    await bob.until('ready');
    await s.as(sessions.bob, { method: 'POST', url: '/api/v1/auth/logout' });
    await bob.ended;
    await vi.waitFor(() => expect(s.engine.notificationHub.size).toBe(0), { timeout: 60_000, interval: 50 });
  });
});
