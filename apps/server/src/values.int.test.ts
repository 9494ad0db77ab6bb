import { backends } from '@tangram/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

const app = {
  name: 'values_test',
  objects: [
    { name: 'tag', fields: [{ name: 'name', type: 'text', required: true }] },
    {
      name: 'item',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'tags', type: 'manytomany', options: { target: 'tag' } },
        { name: 'amount', type: 'currency' },
        { name: 'ratio', type: 'decimal', options: { precision: 30, scale: 10 } },
        { name: 'born', type: 'date' },
        { name: 'at', type: 'datetime' },
        { name: 'phone', type: 'phone' },
      ],
    },
  ],
};

// Values as the API takes them in and keeps them: many-to-many history, numbers a JSON number
// cannot carry exactly, early dates, phone punctuation.
describe.each(await backends())('values over HTTP on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let items: string;
  const create = (payload: Record<string, unknown>) => s.as(admin, { method: 'POST', url: items, payload });

  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    const res = await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/metadata/publish`, payload: { metadata: app } });
    expect(res.statusCode, res.body).toBe(201);
    items = `/api/v1/t/${s.tenant}/objects/item/records`;
  });
  afterAll(() => s.close());

  it('records the previous list of a many-to-many field in the history', async () => {
    const tag = async (name: string) =>
      (await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/objects/tag/records`, payload: { name } })).json().id as string;
    const [a, b, c] = [await tag('a'), await tag('b'), await tag('c')];
    const item = (await create({ title: 'x', tags: [a, b] })).json();
    const patch = (tags: string[], version: number) =>
      s.as(admin, { method: 'PATCH', url: `${items}/${item.id}`, headers: { 'if-match': String(version) }, payload: { tags } });
    expect((await patch([b, c], 1)).statusCode).toBe(200);
    // The same list again changes nothing: no new version, no history entry.
    expect((await patch([b, c], 2)).json().version).toBe(2);
    expect((await patch([], 2)).statusCode).toBe(200);
    const history = (await s.as(admin, { url: `${items}/${item.id}/history` })).json();
    const changes = (history.entries ?? history).map((e: { version: number; changes: Record<string, unknown> }) => [e.version, e.changes.tags]);
    expect(changes).toEqual([
      [1, { before: null, after: [a, b] }],
      [2, { before: [a, b], after: [b, c] }],
      [3, { before: [b, c], after: [] }],
    ]);
  });

  it('refuses numbers with more significant digits than a JSON number keeps, and keeps every one it accepts exactly', async () => {
    // Judged by the text sent: 1234567890123456.78 would parse to 1234567890123456.8, and
    // 8266757771117089281 to 8266757771117090000, which looks harmless once parsed.
    for (const literal of ['1234567890123456.78', '8266757771117089281', '-0.00000000000000012345678901234567', '12345678901234567e-3']) {
      const res = await s.as(admin, {
        method: 'POST',
        url: items,
        headers: { 'content-type': 'application/json' },
        payload: `{"title": "x", "amount": ${literal}}`,
      });
      expect({ literal, status: res.statusCode }).toEqual({ literal, status: 400 });
      expect(res.json().error.details.problems).toEqual([expect.objectContaining({ code: 'VALIDATION_FAILED', field: 'amount', path: '/body/amount' })]);
    }
    // Digits inside strings are text, not numbers; a 16-digit run there changes nothing.
    const inText = await s.as(admin, {
      method: 'POST',
      url: items,
      headers: { 'content-type': 'application/json' },
      payload: '{"title": "1234567890123456789", "amount": 1.5}',
    });
    expect(inText.statusCode, inText.body).toBe(201);
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: 10n ** 20n - 1n }), fc.integer({ min: 0, max: 10 }), fc.boolean(), async (digits, scale, negative) => {
        // A decimal literal with the digits and scale drawn, sent as JSON text as a client would.
        const text = digits.toString().padStart(scale + 1, '0');
        const literal = `${negative ? '-' : ''}${text.slice(0, text.length - scale)}${scale ? `.${text.slice(-scale)}` : ''}`;
        // Its significant digits as written: more than 15 cannot be carried exactly by a double.
        const significant = literal.replace('-', '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
        const sent = await s.as(admin, { method: 'POST', url: items, headers: { 'content-type': 'application/json' }, payload: `{"ratio": ${literal}}` });
        if (significant > 15) {
          expect(sent.statusCode, literal).toBe(400);
          expect(sent.json().error.details.problems[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'ratio' });
        } else {
          expect(sent.statusCode, `${literal} ${sent.body}`).toBe(201);
          const back = (await s.as(admin, { url: `${items}/${sent.json().id}` })).json().ratio;
          // What comes back is the number sent, digit for digit.
          expect(back, literal).toBe(Number(literal));
          expect(String(back)).toBe(String(Number(literal)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('accepts dates in years 1 to 99 and returns them as given', async () => {
    for (const born of ['0001-01-01', '0009-12-31', '0050-02-28', '0099-06-15', '0004-02-29']) {
      const res = await create({ born, at: `${born}T08:30:00Z` });
      expect(res.statusCode, `${born} ${res.body}`).toBe(201);
      expect(res.json()).toMatchObject({ born, at: `${born}T08:30:00.000Z` });
    }
    for (const born of ['0000-01-01', '0099-02-29', '0001-13-01']) expect((await create({ born })).json().error.details.problems[0].field).toBe('born');
  });

  it('accepts phone numbers with spaces, dashes, parentheses and a leading +, and refuses what is not one', async () => {
    for (const phone of ['(021) 5555-1234', '+86 (21) 5555 1234', '010-12345678', '13800138000', '+86 138 0013 8000', '(0571)88886666']) {
      const res = await create({ phone });
      expect(res.statusCode, `${phone} ${res.body}`).toBe(201);
      expect(res.json().phone).toBe(phone);
    }
    for (const phone of ['call me', '12', '+', '()', '138-0013-8000 ext. 5', '++86 138', '86+138'])
      expect((await create({ phone })).json().error.details.problems[0], phone).toMatchObject({ code: 'RECORD_INVALID', field: 'phone' });
  });
});
