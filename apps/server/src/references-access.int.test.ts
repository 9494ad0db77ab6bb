import { randomUUID } from 'node:crypto';
import { backends } from '@tangram/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectModel } from '@tangram/engine';
import { type CrmMember, type CrmWorld, buildCrmWorld, inUniqueIndex, referenceFields } from './testing/crm-fixture';
import { type TestServer, setupServer } from './testing/harness';

const members: CrmMember[] = ['rep_east', 'rep_south', 'manager', 'finance', 'service'];
const paths = ['create', 'update', 'bulk', 'import'] as const;
type Path = (typeof paths)[number];

interface Combo {
  member: CrmMember;
  object: string;
  field: string;
  type: string;
  target: string;
  path: Path;
}

/** The answer to a write, comparable across ids: the status and the error without its request id, the id sent replaced. */
function answer(res: { statusCode: number; body: string }, id: string): { status: number; error?: unknown } {
  if (res.statusCode < 300) return { status: res.statusCode };
  const { requestId: _, ...error } = JSON.parse(res.body).error;
  return { status: res.statusCode, error: JSON.parse(JSON.stringify(error).replaceAll(id, '<id>')) };
}

// Setting a lookup (or a master-detail or many-to-many field) to a record the member may not read
// must be refused exactly like an id that does not exist, on every write path, for every
// reference field of the installed CRM; a record they may read is accepted.
describe.each(await backends())('references reach only records the writer may read (CRM template) on %s', (backend) => {
  let s: TestServer;
  let w: CrmWorld;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildCrmWorld(s);
  }, 600_000);
  afterAll(() => s.close());

  const readable = new Map<string, boolean>();
  async function canRead(member: CrmMember, object: string, id: string): Promise<boolean> {
    const key = `${member}:${id}`;
    if (!readable.has(key)) readable.set(key, (await s.as(w.sessions[member], { url: `${w.base}/objects/${object}/records/${id}` })).statusCode === 200);
    return readable.get(key) as boolean;
  }

  let writes = 0;
  async function write(c: Combo, value: string): Promise<{ statusCode: number; body: string }> {
    writes++;
    const url = `${w.base}/objects/${c.object}/records`;
    const v = c.type === 'manytomany' ? [value] : value;
    const who = w.sessions[c.member];
    if (c.path === 'update') {
      const id = await w.recordOf(c.object, c.member);
      const { version } = await w.tenant.records.get(c.object, id);
      return s.as(who, { method: 'PATCH', url: `${url}/${id}`, headers: { 'if-match': String(version) }, payload: { [c.field]: v } });
    }
    const input = { ...(await w.inputFor(c.object, c.member, [c.field])), [c.field]: v };
    if (c.path === 'create') return s.as(who, { method: 'POST', url, payload: input });
    if (c.path === 'bulk') return s.as(who, { method: 'POST', url: `${url}/bulk`, payload: { create: [input] } });
    return s.as(who, { method: 'POST', url: `${url}/import`, payload: { records: [input] } });
  }

  it('refuses an unreadable target like a missing one and accepts a readable one, for every reference field × member × write path', async () => {
    const fields = referenceFields(w.model);
    const combos: Combo[] = [];
    for (const rf of fields)
      for (const member of members) {
        const ua = await w.tenant.access.forUser(w.ids[member]);
        const oa = ua.object(rf.object);
        if (oa.field(rf.field) !== 'edit') continue;
        const creatable = (await w.inputFor(rf.object.name, member, [rf.field])) !== undefined;
        // A detail line is written only by who may edit its master (the member's own one here), the master under test aside.
        const mastersEditable = (path: Path) =>
          rf.object.fields
            .filter((f) => f.field.type === 'masterdetail' && (f.name !== rf.field || path === 'update'))
            .every((f) => ua.object(w.model.byId.get(f.field.options.target as string) as never).grants('update'));
        for (const path of paths) {
          if (!mastersEditable(path)) continue;
          const allowed = path === 'update' ? oa.grants('update') : creatable && oa.can(path === 'import' ? 'import' : 'create');
          if (!allowed) continue;
          combos.push({ member, object: rf.object.name, field: rf.field, type: rf.type, target: rf.target.name, path });
          // The member's own record to update, made before any write under test.
          if (path === 'update') await w.recordOf(rf.object.name, member);
        }
      }
    // The class is the model's reference fields: nearly all of them are writable by some member on some path.
    const covered = new Set(combos.map((c) => `${c.object}.${c.field}`));
    expect(covered.size).toBeGreaterThanOrEqual(29);
    for (const p of paths) expect(combos.some((c) => c.path === p)).toBe(true);
    for (const t of ['lookup', 'masterdetail']) expect(combos.some((c) => c.type === t)).toBe(true);

    const hiddenChecked = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...combos), fc.uuid(), async (c, missing) => {
        const hidden = await w.recordOf(c.target, 'outsider');
        const refusedMissing = answer(await write(c, missing), missing);
        expect(refusedMissing.error, `${JSON.stringify(c)} ${JSON.stringify(refusedMissing)}`).toMatchObject({
          code: 'RECORD_REFERENCE_INVALID',
          details: { problems: [expect.objectContaining({ field: c.field })] },
        });
        if (!(await canRead(c.member, c.target, hidden))) {
          hiddenChecked.add(`${c.member}:${c.object}.${c.field}:${c.path}`);
          const refusedHidden = answer(await write(c, hidden), hidden);
          expect(refusedHidden, JSON.stringify(c)).toEqual(refusedMissing);
        }
        // A record of the member's; a new one where the field is in a unique index (the same one again would be a duplicate).
        const om = w.model.byName.get(c.object) as ObjectModel;
        const own = inUniqueIndex(om, c.field) ? await w.freshRecordOf(c.target, c.member) : await w.recordOf(c.target, c.member);
        const res = await write(c, own);
        if (!(await canRead(c.member, c.target, own))) {
          // (An update giving the value the record already holds changes nothing and is not checked.)
          if (c.path !== 'update') expect(answer(res, own), JSON.stringify(c)).toEqual(refusedMissing);
        } else if (
          c.type === 'masterdetail' &&
          !(await w.tenant.access.forUser(w.ids[c.member])).object(w.model.byName.get(c.target) as never).grants('update')
        )
          expect(JSON.parse(res.body).error.code, JSON.stringify(c)).toBe('FORBIDDEN');
        else expect(res.statusCode, `${JSON.stringify(c)} ${res.body}`).toBeLessThan(300);
      }),
      // Every combination once (the examples), then random ones; fast-check counts the examples in numRuns.
      { examples: combos.map((c): [Combo, string] => [c, randomUUID()]), numRuns: combos.length + 30 },
    );
    expect(writes).toBeGreaterThanOrEqual(2 * combos.length);
    // Most members read only some records of most objects: the unreadable case was tried for most combinations.
    expect(hiddenChecked.size).toBeGreaterThan(combos.length / 2);
  }, 600_000);

  it('lets nobody change, delete or restore a detail line under a master they may not read, and leaves its rollups alone', async () => {
    const url = `${w.base}/objects/opportunity_line/records`;
    // A line the rep owns, under an opportunity of someone else's (made by the admin).
    const master = await w.freshRecordOf('opportunity', 'outsider');
    const input = (await w.inputFor('opportunity_line', 'admin')) as Record<string, unknown>;
    const line = await w.tenant.records.create('opportunity_line', { ...input, opportunity: master, owner_id: w.ids.rep_east }, { actor: w.adminId });
    const rollups = async () => {
      const { line_total, line_count } = await w.tenant.records.get('opportunity', master);
      return { line_total, line_count };
    };
    const before = await rollups();
    expect((await s.as(w.sessions.rep_east, { url: `${w.base}/objects/opportunity/records/${master}` })).statusCode).toBe(404);
    const refused = (res: { statusCode: number; json(): any }) => {
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'RECORD_REFERENCE_INVALID',
        details: { problems: [{ code: 'RECORD_REFERENCE_INVALID', field: 'opportunity', message: expect.stringContaining(master) }] },
      });
    };
    const rep = w.sessions.rep_east;
    refused(await s.as(rep, { method: 'PATCH', url: `${url}/${line.id}`, headers: { 'if-match': String(line.version) }, payload: { qty: 99 } }));
    refused(await s.as(rep, { method: 'DELETE', url: `${url}/${line.id}`, headers: { 'if-match': String(line.version) } }));
    refused(await s.as(rep, { method: 'POST', url: `${url}/bulk`, payload: { delete: [line.id] } }));
    // Moving the line to the rep's own opportunity takes it from the hidden one: refused too.
    const mine = await w.freshRecordOf('opportunity', 'rep_east');
    refused(await s.as(rep, { method: 'PATCH', url: `${url}/${line.id}`, headers: { 'if-match': String(line.version) }, payload: { opportunity: mine } }));
    expect(await rollups()).toEqual(before);
    // In the recycle bin (deleted by the admin), the rep cannot bring it back either.
    await w.tenant.records.delete('opportunity_line', line.id as string, {}, { actor: w.adminId });
    const afterDelete = await rollups();
    refused(await s.as(rep, { method: 'POST', url: `${url}/${line.id}/restore` }));
    expect(await rollups()).toEqual(afterDelete);
    // The same line under the rep's own opportunity is theirs to change.
    await w.tenant.records.restore('opportunity_line', line.id as string, { actor: w.adminId });
    const moved = await w.tenant.records.update('opportunity_line', line.id as string, { opportunity: mine }, {}, { actor: w.adminId });
    const ok = await s.as(rep, { method: 'PATCH', url: `${url}/${line.id}`, headers: { 'if-match': String(moved.version) }, payload: { qty: 3 } });
    expect(ok.statusCode, ok.body).toBe(200);
  }, 120_000);
});
