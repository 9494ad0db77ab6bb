import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

// Lookup paths in automations over HTTP: a before-save formula reads the account a deal points
// at; publishing a path that reads nothing is refused with its code at the var's path.

const app = {
  objects: [
    {
      name: 'account',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'level', type: 'select', options: { options: [{ key: 'A' }, { key: 'B' }] } },
      ],
    },
    {
      name: 'deal',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'account', type: 'lookup', options: { target: 'account' } },
        { name: 'summary', type: 'text' },
      ],
    },
  ],
  automations: [
    {
      name: 'deal_summary',
      object: 'deal',
      trigger: { kind: 'record.created', timing: 'beforeSave' },
      condition: { '!=': [{ var: 'account.level' }, null] },
      actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'summary', formula: { cat: [{ var: 'account.name' }, ' / ', { var: 'account.level' }] } }] }],
    },
  ],
};

describe.each(await backends())('lookup paths in automations over HTTP on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;

  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
    const published = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: app } });
    expect(published.statusCode, published.body).toBe(201);
  });
  afterAll(() => s.close());

  it('a before-save formula reads the fields of the record a lookup points at; no level, no summary', async () => {
    const account = (await s.as(admin, { method: 'POST', url: `${base}/objects/account/records`, payload: { name: 'Acme', level: 'A' } })).json();
    const plain = (await s.as(admin, { method: 'POST', url: `${base}/objects/account/records`, payload: { name: 'Plain' } })).json();
    const deal = await s.as(admin, { method: 'POST', url: `${base}/objects/deal/records`, payload: { title: 'D1', account: account.id } });
    expect(deal.statusCode, deal.body).toBe(201);
    expect(deal.json()).toMatchObject({ account: account.id, summary: 'Acme / A' });
    const other = await s.as(admin, { method: 'POST', url: `${base}/objects/deal/records`, payload: { title: 'D2', account: plain.id } });
    expect(other.json().summary).toBeNull();
  });

  it('refuses to publish paths that read nothing, each with its code at the var', async () => {
    const broken = structuredClone(app) as { automations: Record<string, unknown>[] };
    broken.automations.push({
      name: 'broken',
      object: 'deal',
      trigger: { kind: 'record.updated', timing: 'beforeSave' },
      condition: {
        and: [{ '==': [{ var: 'account.levle' }, 'A'] }, { '==': [{ var: 'title.name' }, 'x'] }, { '==': [{ var: '$previous.account.level' }, 'A'] }],
      },
      actions: [{ id: 'no', kind: 'refuse', message: 'no' }],
    });
    const res = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: broken } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.problems.map((p: { code: string; path: string }) => [p.code, p.path])).toEqual([
      ['AUTOMATION_LOOKUP_FIELD_UNKNOWN', '/automations/1/condition/and/0/==/0'],
      ['AUTOMATION_LOOKUP_NOT_LOOKUP', '/automations/1/condition/and/1/==/0'],
      ['AUTOMATION_LOOKUP_PREVIOUS', '/automations/1/condition/and/2/==/0'],
    ]);
  });
});
