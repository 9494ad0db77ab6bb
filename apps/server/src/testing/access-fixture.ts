import type { Session, TestServer } from './harness';

/** The app the access-control tests run on: a deal with a secret cost (and a margin computed from it). */
export const accessApp = {
  name: 'access_test',
  objects: [
    {
      name: 'deal',
      label: { 'zh-CN': '商机', en: 'Deal' },
      searchFields: ['title', 'secret_note'],
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'amount', type: 'decimal' },
        { name: 'cost', type: 'decimal' },
        { name: 'margin', type: 'formula', options: { resultType: 'number', scale: 2, expression: { '-': [{ var: 'amount' }, { var: 'cost' }] } } },
        { name: 'secret_note', type: 'text' },
        { name: 'stage', type: 'select', options: { options: [{ key: 'new' }, { key: 'won' }] } },
        { name: 'region', type: 'text' },
      ],
    },
    {
      name: 'lead',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'region', type: 'text' },
      ],
    },
    {
      name: 'contract',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'deal', type: 'lookup', options: { target: 'deal' } },
      ],
    },
  ],
};

export const people = ['mgr', 'alice', 'bob', 'carol', 'dave'] as const;
export type Person = (typeof people)[number];

export interface AccessWorld {
  base: string;
  admin: Session;
  ids: Record<Person, string>;
  sessions: Record<Person, Session>;
  departments: Record<'hq' | 'sales' | 'east' | 'south' | 'rd', string>;
  /** PUT a role as the admin, failing loudly. */
  putRole(role: Record<string, unknown> & { name: string }): Promise<void>;
  /** Sets a member's roles (the whole list). */
  assign(person: Person, roles: string[]): Promise<void>;
  /** Creates a record as the admin, owned by `owner`. */
  create(object: string, owner: Person, values: Record<string, unknown>): Promise<{ id: string; version: number }>;
}

/**
 * The organisation the access tests share:
 *
 *     总部 hq
 *     ├── 销售部 sales (head mgr): mgr
 *     │   ├── 华东 east: alice, bob (manager: mgr)
 *     │   └── 华南 south: carol (manager: mgr)
 *     └── 研发部 rd: dave
 */
export async function buildAccessWorld(s: TestServer): Promise<AccessWorld> {
  const admin = await s.login(s.admin.email, s.admin.password);
  const t = `/api/v1/t/${s.tenant}`;
  const ok = async (res: { statusCode: number; body: string; json(): any }, what: string) => {
    if (res.statusCode >= 300) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  await ok(await s.as(admin, { method: 'POST', url: `${t}/metadata/publish`, payload: { metadata: accessApp } }), 'publish');
  const dept = async (name: string, parentId?: string) =>
    (await ok(await s.as(admin, { method: 'POST', url: `${t}/org/departments`, payload: { name, ...(parentId ? { parentId } : {}) } }), name)).id as string;
  const hq = await dept('总部');
  const sales = await dept('销售部', hq);
  const east = await dept('华东', sales);
  const south = await dept('华南', sales);
  const rd = await dept('研发部', hq);
  const ids = {} as Record<Person, string>;
  for (const p of people) {
    const res = await ok(
      await s.as(admin, { method: 'POST', url: `${t}/members`, payload: { email: `${p}@${s.domain}`, name: p, password: 'member password', role: 'member' } }),
      p,
    );
    ids[p] = res.user.id;
  }
  const place = async (p: Person, departmentId: string, managerId?: string) =>
    ok(
      await s.as(admin, {
        method: 'PATCH',
        url: `${t}/org/members/${ids[p]}`,
        payload: { departmentIds: [departmentId], ...(managerId ? { managerId } : {}) },
      }),
      p,
    );
  await place('mgr', sales);
  await place('alice', east, ids.mgr);
  await place('bob', east, ids.mgr);
  await place('carol', south, ids.mgr);
  await place('dave', rd);
  await ok(await s.as(admin, { method: 'PATCH', url: `${t}/org/departments/${sales}`, payload: { headId: ids.mgr } }), 'head');
  const sessions = {} as Record<Person, Session>;
  for (const p of people) sessions[p] = await s.login(`${p}@${s.domain}`, 'member password');
  return {
    base: t,
    admin,
    ids,
    sessions,
    departments: { hq, sales, east, south, rd },
    async putRole(role) {
      await ok(await s.as(admin, { method: 'PUT', url: `${t}/access/roles/${role.name}`, payload: role }), `role ${role.name}`);
    },
    async assign(person, roles) {
      await ok(await s.as(admin, { method: 'PUT', url: `${t}/access/users/${ids[person]}/roles`, payload: { roles } }), `assign ${person}`);
    },
    async create(object, owner, values) {
      return ok(await s.as(admin, { method: 'POST', url: `${t}/objects/${object}/records`, payload: { ...values, owner_id: ids[owner] } }), 'create');
    },
  };
}
