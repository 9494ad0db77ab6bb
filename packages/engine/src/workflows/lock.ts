import { AppError } from '@tangram/errors';
import type { Workflow } from '@tangram/metadata';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import type { Model, ObjectModel } from '../model/compile';
import type { RecordBehaviour, WriteContext } from '../records/behaviours';
import type { Process, UserTaskNode } from './process';

// The record rules of approvals (docs/adr/0013-process-interpreter.md, addendum): while an
// instance of a record is running or returned to its submitter, the record is locked — updates
// are refused (WORKFLOW_RECORD_LOCKED, the field's path) except the fields the open step marks
// `edit`, written by that step's assignee, and anything the submitter changes while it is
// returned to them; deletes are refused; detail lines of a locked record are locked with it. The
// process's own writes (ctx.workflow: its status field, its service tasks, the values an approver
// gives with a decision) pass. A status field's values the workflow sets cannot be set by hand
// (WORKFLOW_STATUS_MANAGED). Objects without workflows pay nothing (a lookup in a map per model);
// objects with workflows one indexed query per record written.

/** The active instances of a record, as the lock reads them. */
export interface ActiveInstance {
  id: string;
  workflow: string;
  status: string;
  submitter: string;
  definition: Process;
  /** Open tasks: node and assignee. */
  open: { node: string; assignee: string }[];
}

const noWorkflows: Workflow[] = [];
const noneOf = { workflows: [], masters: [] };
/** Keyed by the model's list of workflows (a new list with each compiled model). */
const perModel = new WeakMap<readonly Workflow[], Map<string, { workflows: Workflow[]; masters: { field: string; master: ObjectModel; detail: string }[] }>>();

/** The workflows of an object and, for a detail object, its masters that have workflows (cached per compiled model). */
export function workflowsOf(model: Model, om: ObjectModel): { workflows: Workflow[]; masters: { field: string; master: ObjectModel; detail: string }[] } {
  const key = model.app.workflows ?? noWorkflows;
  if (!key.length) return noneOf;
  let byObject = perModel.get(key);
  if (!byObject) {
    byObject = new Map();
    const withWorkflows = new Set((model.app.workflows ?? []).map((w) => w.object));
    for (const o of model.byId.values()) {
      const masters = o.fields
        .filter((f) => f.type.reference?.master && withWorkflows.has(f.field.options.target as string))
        .map((f) => {
          const master = model.byId.get(f.field.options.target as string) as ObjectModel;
          const d = master.details.find((x) => x.object === o && x.field === f);
          return { field: f.name, master, detail: (d?.field.field.options.detailName as string | undefined) ?? o.name };
        });
      const workflows = (model.app.workflows ?? []).filter((w) => w.object === o.id);
      if (workflows.length || masters.length) byObject.set(o.id, { workflows, masters });
    }
    perModel.set(key, byObject);
  }
  return byObject.get(om.id) ?? { workflows: [], masters: [] };
}

/** The running or returned instances of a record, with their open tasks (one indexed query, a second only when there is one). */
export async function activeInstances(db: Db, schema: string, recordId: string): Promise<ActiveInstance[]> {
  const t = systemTables(db, schema);
  const rows = await t
    .selectFrom('_wf_instance')
    .select(['id', 'workflow', 'status', 'submitter', 'definition'])
    .where('record_id', '=', recordId)
    .where('status', 'in', ['running', 'returned'])
    .execute();
  if (!rows.length) return [];
  const open = await t
    .selectFrom('_wf_task')
    .select(['instance_id', 'node', 'assignee'])
    .where(
      'instance_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('status', '=', 'open')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workflow: r.workflow,
    status: r.status,
    submitter: r.submitter,
    definition: r.definition as Process,
    open: open.filter((o) => o.instance_id === r.id).map((o) => ({ node: o.node, assignee: o.assignee })),
  }));
}

/**
 * What `user` may change on a record with these active instances: every field (the submitter
 * of an instance returned to them, when no other instance is running), or the fields an open
 * step of theirs marks `edit` (by field name), in every instance.
 */
export function editableFields(active: readonly ActiveInstance[], user: string | null | undefined): Set<string> | 'all' {
  if (!active.length) return 'all';
  if (user && active.every((i) => i.status === 'returned' && i.submitter === user)) return 'all';
  let editable: Set<string> | undefined;
  for (const i of active) {
    const mine = new Set<string>();
    if (user)
      for (const task of i.open) {
        if (task.assignee !== user) continue;
        const n = i.definition.nodes.find((x) => x.id === task.node);
        if (n?.kind !== 'userTask') continue;
        for (const [field, access] of Object.entries((n as UserTaskNode).fields ?? {})) if (access === 'edit') mine.add(field);
      }
    if (i.status === 'returned' && i.submitter === user) continue;
    editable = editable ? new Set([...editable].filter((f) => mine.has(f))) : mine;
  }
  return editable ?? 'all';
}

const numeric = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) ? Number(v) : undefined);

/** Whether a value given differs from the stored one (a form sending the whole record changes only what differs). */
export function differs(given: unknown, stored: unknown): boolean {
  const [a, b] = [given ?? null, stored ?? null];
  if (a === b) return false;
  const [na, nb] = [numeric(a), numeric(b)];
  if (na !== undefined && nb !== undefined) return na !== nb;
  if (Array.isArray(a) && Array.isArray(b)) return JSON.stringify([...a].map(String).sort()) !== JSON.stringify([...b].map(String).sort());
  if (typeof a === 'string' && typeof b === 'string' && /^\d{4}-\d{2}-\d{2}/.test(a) && /^\d{4}-\d{2}-\d{2}/.test(b)) return Date.parse(a) !== Date.parse(b);
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** A field's name on the object, from a workflow's field id or name. */
export const fieldName = (om: ObjectModel, idOrName: string | undefined): string | undefined =>
  idOrName === undefined ? undefined : (om.byColumn.get(idOrName)?.name ?? om.byName.get(idOrName)?.name);

function locked(om: ObjectModel, id: string, field: string | undefined, reason: string): AppError {
  return AppError.problems('WORKFLOW_RECORD_LOCKED', [
    { code: 'WORKFLOW_RECORD_LOCKED', ...(field ? { field, path: `/${field}` } : {}), message: reason, object: om.name, id },
  ]);
}

/**
 * The status field's values only the process sets: those of running, approved and rejected. The
 * values of returned and withdrawn hand the record back to its submitter (usually the field's
 * first value, 草稿), so people may set those.
 */
export function managedValues(wf: Pick<Workflow, 'statusValues'>): Set<string> {
  const v = wf.statusValues ?? {};
  const back = new Set([v.returned, v.withdrawn]);
  return new Set([v.running, v.approved, v.rejected].filter((x): x is string => typeof x === 'string' && !back.has(x)));
}

/** WORKFLOW_STATUS_MANAGED when a write sets a workflow's status field to a value the workflow sets. */
function checkStatusField(w: WriteContext, workflows: readonly Workflow[]): void {
  for (const wf of workflows) {
    if (!wf.enabled) continue;
    const name = fieldName(w.om, wf.statusField);
    if (!name || !(name in w.values)) continue;
    const value = w.values[name];
    const before = w.action === 'create' ? w.om.byName.get(name)?.field.defaultValue : w.current?.[name];
    if (!differs(value, before)) continue;
    if (managedValues(wf).has(value as string))
      throw AppError.problems('WORKFLOW_STATUS_MANAGED', [
        {
          code: 'WORKFLOW_STATUS_MANAGED',
          field: name,
          path: `/${name}`,
          message: `"${String(value)}" is set by the approval process "${wf.name}"`,
          workflow: wf.name,
        },
      ]);
  }
}

/** Refuses the changed fields the lock does not let `actor` write. */
async function checkLock(w: WriteContext, om: ObjectModel, recordId: string, changed: string[] | 'delete'): Promise<void> {
  const active = await activeInstances(w.tx.trx, w.tx.schema, recordId);
  if (!active.length) return;
  if (changed === 'delete') throw locked(om, recordId, undefined, 'the record is in approval: it cannot be deleted');
  const given = editableFields(active, w.tx.ctx.actor);
  if (given === 'all') return;
  // The diagram names fields by name (or id): compare by name.
  const editable = new Set([...given].map((k) => fieldName(om, k) ?? k));
  const refused = changed.find((f) => !editable.has(f));
  if (refused) throw locked(om, recordId, refused, `the record is in approval: "${refused}" cannot change now`);
}

/** The lock and status-field rules as a record behaviour (registered on the engine's pipeline). */
export const workflowLockBehaviour: RecordBehaviour = {
  name: 'workflows.lock',
  phase: 'beforeValidate',
  // Before formulas and before-save automations: the writer's own input is what the lock judges.
  priority: 1,
  actions: ['create', 'update', 'delete'],
  async run(w) {
    const { workflows, masters } = workflowsOf(w.tx.model, w.om);
    if (!workflows.length && !masters.length) return;
    if (w.tx.ctx.history) return;
    const own = w.tx.ctx.workflow;
    if (workflows.length && !(own && own.record === w.id)) {
      if (w.action !== 'delete') checkStatusField(w, workflows);
      if (w.action !== 'create' && w.id) {
        const changed = w.action === 'delete' ? 'delete' : Object.keys(w.values).filter((k) => differs(w.values[k], w.current?.[k]));
        if (changed === 'delete' || changed.length) await checkLock(w, w.om, w.id, changed);
      }
    }
    // A detail line changes its master (quote lines, a quote's amount): locked with it.
    for (const m of masters) {
      const masterId = (w.values[m.field] ?? w.record[m.field] ?? w.current?.[m.field]) as string | undefined;
      const before = w.current?.[m.field] as string | undefined;
      for (const id of new Set([masterId, before].filter((x): x is string => typeof x === 'string'))) {
        if (own && own.record === id) continue;
        await checkLock(w, m.master, id, [m.detail]);
      }
    }
  },
};
