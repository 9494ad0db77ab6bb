import type { FieldModel, Model, ObjectModel, TenantEngine } from '@tangram/engine';
import type { FieldTypeName } from '@tangram/metadata';
import { availableTemplates } from '../templates-registry';
import type { Session, TestServer } from './harness';

/** Members of the CRM world: the template's roles, in departments like the demo organisation's. */
export const crmMembers = {
  rep_east: { roles: ['sales_rep'], department: 'east' },
  rep_south: { roles: ['sales_rep'], department: 'south' },
  manager: { roles: ['sales_manager'], department: 'sales' },
  finance: { roles: ['finance'], department: 'finance' },
  service: { roles: ['service'], department: 'service' },
  /** Holds no role: owns the records the others may not read. */
  outsider: { roles: [], department: 'rd' },
} as const;
export type CrmMember = keyof typeof crmMembers;

export interface CrmWorld {
  tenant: TenantEngine;
  model: Model;
  base: string;
  admin: Session;
  adminId: string;
  ids: Record<CrmMember, string>;
  sessions: Record<CrmMember, Session>;
  /** A record of `object` owned by `owner`, created by the admin (one per owner and object, kept). */
  recordOf(object: string, owner: CrmMember): Promise<string>;
  /** A new record of `object` owned by `owner`, each call. */
  freshRecordOf(object: string, owner: CrmMember): Promise<string>;
  /**
   * Values to create a record of `object` as `member` with: the required (or `keep`) fields of a
   * sample record, the ones the member may edit, references pointing at the member's own records
   * and text made unique (duplicate rules). Undefined when the member could not give a required field.
   */
  inputFor(object: string, member: CrmMember | 'admin', keep?: string[], referTo?: CrmMember): Promise<Record<string, unknown> | undefined>;
}

let counter = 0;
const next = () => `${Date.now() % 100000}${++counter}`;
/** Fresh values for unique fields whose type checks the format (test data). */
const uniqueSample: Partial<Record<FieldTypeName, () => string>> = {
  phone: () => `139${next().padStart(8, '0').slice(-8)}`,
  email: () => `u${next()}@example.com`,
};
/** A reference to records of another object of the app (lookup, master-detail, many-to-many). */
const toObject = (f: FieldModel): boolean => f.type.reference?.toObject === true;

/**
 * A tenant with the bundled core + CRM templates and their sample data (owned by the admin who
 * installed them), and members holding the CRM roles (`crmMembers`), signed in over HTTP.
 */
export async function buildCrmWorld(s: TestServer): Promise<CrmWorld> {
  const tenant = await s.engine.tenant(s.tenant);
  const adminUser = await s.engine.identity.findUserByEmail(s.admin.email);
  const adminId = adminUser?.id as string;
  const templates = availableTemplates();
  await tenant.templates.install('crm', (n) => templates.get(n), { sampleData: true, actor: adminId });
  const model = await tenant.model();
  const org = tenant.org;
  const hq = await org.createDepartment({ name: '总部' });
  const sales = await org.createDepartment({ name: '销售部', parentId: hq.id });
  const departments: Record<string, string> = {
    sales: sales.id,
    east: (await org.createDepartment({ name: '华东大区', parentId: sales.id })).id,
    south: (await org.createDepartment({ name: '华南大区', parentId: sales.id })).id,
    finance: (await org.createDepartment({ name: '财务部', parentId: hq.id })).id,
    service: (await org.createDepartment({ name: '客服部', parentId: hq.id })).id,
    rd: (await org.createDepartment({ name: '研发部', parentId: hq.id })).id,
  };
  const ids = {} as Record<CrmMember, string>;
  const sessions = {} as Record<CrmMember, Session>;
  const password = 'member password';
  for (const [name, m] of Object.entries(crmMembers) as [CrmMember, (typeof crmMembers)[CrmMember]][]) {
    const email = `${name}@${s.domain}`;
    const user = await s.engine.identity.createUser({ email, name, password });
    await s.engine.identity.addMember(tenant.tenant, user, 'member');
    await org.updateMember(user.id, { departmentIds: [departments[m.department] as string] });
    await tenant.access.setUserRoles(user.id, [...m.roles]);
    ids[name] = user.id;
  }
  await org.updateDepartment(sales.id, { headId: ids.manager });
  for (const rep of ['rep_east', 'rep_south'] as const) await org.updateMember(ids[rep], { managerId: ids.manager });
  for (const name of Object.keys(crmMembers) as CrmMember[]) sessions[name] = await s.login(`${name}@${s.domain}`, password);

  const samples = new Map<string, Record<string, unknown>>();
  const sample = async (om: ObjectModel) => {
    let r = samples.get(om.name);
    if (!r) {
      const [first] = (await tenant.records.query(om.name, { limit: 1, sort: [{ field: 'created_at', direction: 'asc' }] })).records;
      r = first ?? {};
      samples.set(om.name, r);
    }
    return r;
  };
  const owned = new Map<string, Promise<string>>();
  const building = new Set<string>();

  const createOwned = async (object: string, owner: CrmMember): Promise<string> => {
    const key = `${object}:${owner}`;
    building.add(key);
    try {
      const input = (await world.inputFor(object, 'admin', undefined, owner)) as Record<string, unknown>;
      try {
        return (await tenant.records.create(object, { ...input, owner_id: ids[owner] }, { actor: adminId })).id as string;
      } catch (e) {
        throw new Error(`a ${object} for ${owner}: ${JSON.stringify((e as { details?: unknown }).details)} from ${JSON.stringify(input)}`);
      }
    } finally {
      building.delete(key);
    }
  };

  const world: CrmWorld = {
    tenant,
    model,
    base: `/api/v1/t/${s.tenant}`,
    admin: await s.login(s.admin.email, s.admin.password),
    adminId,
    ids,
    sessions,
    freshRecordOf: (object, owner) => createOwned(object, owner),
    recordOf(object, owner) {
      const key = `${object}:${owner}`;
      let p = owned.get(key);
      if (!p) owned.set(key, (p = createOwned(object, owner)));
      return p;
    },
    async inputFor(object, member, keep = [], referTo: CrmMember | undefined = member === 'admin' ? undefined : member) {
      const om = model.byName.get(object) as ObjectModel;
      const oa = member === 'admin' ? undefined : (await tenant.access.forUser(ids[member])).object(om);
      const from = await sample(om);
      // Values duplicate rules compare are made unique.
      const indexed = new Set(om.fields.filter((f) => inUniqueIndex(om, f.name)).map((f) => f.name));
      const ruled = new Set(om.def.duplicateRules.map((r) => r.field));
      const unique = new Set(om.fields.filter((f) => f.field.unique || ruled.has(f.field.id) || ruled.has(f.name)).map((f) => f.name));
      const input: Record<string, unknown> = {};
      for (const f of om.fields) {
        if (f.type.computed || f.type.holdsFiles) continue;
        const needed = f.field.required || f.type.reference?.master || keep.includes(f.name);
        // Other values of the sample come along (validation rules may need them).
        if (!needed && (from[f.name] === undefined || from[f.name] === null || (Array.isArray(from[f.name]) && !(from[f.name] as []).length))) continue;
        if (oa && oa.field(f.name) !== 'edit') {
          if (needed) return undefined;
          continue;
        }
        let v = from[f.name];
        // A required field of an object without sample data (e.g. lead_event.kind) gets a value of its type.
        if (needed && (v === undefined || v === null) && !toObject(f)) v = fallbackValue(f);
        if (toObject(f) && referTo) {
          const target = model.byId.get(f.field.options.target as string) as ObjectModel;
          if (!building.has(`${target.name}:${referTo}`)) {
            // A reference in a unique index gets a record of its own, so each record made is new.
            const id = indexed.has(f.name) && !keep.includes(f.name) ? await createOwned(target.name, referTo) : await world.recordOf(target.name, referTo);
            v = f.type.reference?.shape === 'junction' ? [id] : id;
          } else if (!needed) continue;
        }
        if (f.type.reference?.target(f.field) === '_user' && (v === undefined || v === null)) v = referTo ? ids[referTo] : adminId;
        const fresh = uniqueSample[f.field.type];
        if (unique.has(f.name) && fresh) v = fresh();
        else if (unique.has(f.name) && typeof v === 'string') v = `${v.slice(0, 8)}${next()}`;
        if (v !== undefined && v !== null) input[f.name] = v;
      }
      return input;
    },
  } as CrmWorld;
  return world;
}

/** Every reference field (lookup, master-detail, many-to-many) of the model, with its target object. */
export function referenceFields(model: Model): { object: ObjectModel; field: string; type: string; target: ObjectModel }[] {
  const out = [];
  for (const om of model.byName.values())
    for (const f of om.fields)
      if (toObject(f)) {
        const target = model.byId.get(f.field.options.target as string);
        if (target) out.push({ object: om, field: f.name, type: f.field.type, target });
      }
  return out;
}

/** Whether a field is part of a unique index of its object (two records may not share its value with the others'). */
export function inUniqueIndex(om: ObjectModel, field: string): boolean {
  const f = om.byName.get(field);
  return om.def.indexes.some((i) => i.unique && i.fields.some((x) => x === field || x === f?.field.id));
}

/** A valid value of a field's type when no sample record has one (none for types without an obvious one). */
const firstOption = (f: ObjectModel['fields'][number]) => (f.field.options.options as { key: string }[] | undefined)?.[0]?.key;
const fallbackSample: Partial<Record<FieldTypeName, (f: ObjectModel['fields'][number]) => unknown>> = {
  select: firstOption,
  multiselect: (f) => (firstOption(f) === undefined ? undefined : [firstOption(f)]),
  text: () => 'sample',
  textarea: () => 'sample',
  integer: () => 1,
  decimal: () => 1,
  currency: () => 1,
  percent: () => 1,
  boolean: () => false,
  date: () => '2026-01-01',
  datetime: () => '2026-01-01T00:00:00.000Z',
};

function fallbackValue(f: ObjectModel['fields'][number]): unknown {
  return fallbackSample[f.field.type as FieldTypeName]?.(f);
}
