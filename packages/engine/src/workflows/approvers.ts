import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import type { ObjectModel } from '../model/compile';
import { type RecipientRule, resolveRecipients } from '../notifications/recipients';
import type { UserTaskNode } from './process';
import type { Instance } from './step';

// Who approves a step (tg:approvers): the automations' recipient kinds (named users, a role, the
// record's owner or owner's manager, a user field, a department's head) and the approval ones —
// the submitter's department head N levels up, the submitter's manager chain (one approver per
// level, in order: with 依次 each level decides in turn), and `chosen` (the previous approver
// names them with `next` on approve; the submitter with `next` on submit).

/** One approver rule as the diagram's `tg:approvers` holds it. */
export type ApproverRule =
  | { kind: 'users'; users: string[] }
  | { kind: 'role'; role: string }
  | { kind: 'owner' }
  | { kind: 'ownerManager' }
  | { kind: 'userField'; field: string }
  /** A named department's head, or (without `department`) the submitter's head `level` levels up (1: their own manager). */
  | { kind: 'departmentHead'; department?: string; level?: number }
  /** The submitter's managers, nearest first, `levels` of them (default: up to the top). */
  | { kind: 'managerChain'; levels?: number }
  /** Named by the approver before (approve's `next`), or by the submitter at submission. */
  | { kind: 'chosen' };

export { approverKinds } from '@tangram/metadata';

/** The longest manager chain walked (a cycle of managers ends there too). */
const maxLevels = 20;

const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v : []).filter((r): r is Record<string, unknown> => !!r && typeof r === 'object');

/** The rules of a step, in the diagram's shape (`kind`) or the notification library's (`type`, as older tests wrote them). */
export function rulesOf(n: UserTaskNode): ApproverRule[] {
  return list(n.approvers).map((r) => {
    if (typeof r.kind === 'string') return r as unknown as ApproverRule;
    if (r.type === 'users') return { kind: 'users', users: (r.ids as string[]) ?? [] };
    if (r.type === 'departmentHead') return { kind: 'departmentHead', department: r.departmentId as string };
    return { ...r, kind: r.type } as unknown as ApproverRule;
  });
}

/** Whether the step's approvers are (also) chosen by the approver before. */
export const isChosen = (n: UserTaskNode): boolean => rulesOf(n).some((r) => r.kind === 'chosen');

/**
 * The submitter's managers, nearest first: the heads of their primary department and the
 * departments above it (skipping the submitter and repeats); without a department, the managers
 * set on the profiles (manager of the manager…).
 */
export async function managerChain(db: Db, schema: string, submitter: string): Promise<string[]> {
  const t = (name: string) => sql.id(schema, name);
  const { rows } = await sql<{ head_id: string }>`
    select d.head_id from ${t('_user_department')} ud
    join ${t('_department')} p on p.id = ud.department_id
    join ${t('_department')} d on p.path like d.path || '%'
    where ud.user_id = ${submitter} and ud.is_primary and d.head_id is not null
    order by length(d.path) desc`.execute(db);
  const chain: string[] = [];
  for (const r of rows) if (r.head_id !== submitter && !chain.includes(r.head_id)) chain.push(r.head_id);
  if (chain.length) return chain.slice(0, maxLevels);
  let who = submitter;
  while (chain.length < maxLevels) {
    const me = await systemTables(db, schema).selectFrom('_user').select('manager_id').where('id', '=', who).executeTakeFirst();
    const next = me?.manager_id;
    if (!next || next === submitter || chain.includes(next)) break;
    chain.push(next);
    who = next;
  }
  return chain;
}

/** What resolving a step reads: the record, the submitter, and the record's object (user fields by name or id). */
export interface ApproverContext {
  db: Db;
  schema: string;
  om: ObjectModel;
  record: Record<string, unknown>;
  submitter: string;
}

/**
 * The active members the step's rules name, in order, each once — all but `chosen`, which the
 * host fills from the command (see `chosenFor`). Unknown kinds are refused (WORKFLOW_INVALID).
 */
export async function resolveApprovers(n: UserTaskNode, c: ApproverContext): Promise<string[]> {
  const rules: RecipientRule[] = [];
  let chain: string[] | undefined;
  const chainOf = async () => {
    chain ??= await managerChain(c.db, c.schema, c.submitter);
    return chain;
  };
  for (const r of rulesOf(n)) {
    switch (r.kind) {
      case 'users':
        rules.push({ type: 'users', ids: Array.isArray(r.users) ? r.users : [] });
        break;
      case 'role':
        rules.push({ type: 'role', role: String(r.role) });
        break;
      case 'owner':
        rules.push({ type: 'owner' });
        break;
      case 'ownerManager':
        rules.push({ type: 'ownerManager' });
        break;
      case 'userField': {
        const f = c.om.byName.get(String(r.field)) ?? c.om.byColumn.get(String(r.field));
        if (f) rules.push({ type: 'userField', field: f.name });
        break;
      }
      case 'departmentHead':
        if (r.department) rules.push({ type: 'departmentHead', departmentId: r.department });
        else {
          const level = Math.max(1, Math.floor(Number(r.level ?? 1)) || 1);
          const head = (await chainOf())[level - 1];
          if (head) rules.push({ type: 'users', ids: [head] });
        }
        break;
      case 'managerChain': {
        const levels = r.levels === undefined ? maxLevels : Math.max(1, Math.floor(Number(r.levels)) || 1);
        rules.push({ type: 'users', ids: (await chainOf()).slice(0, levels) });
        break;
      }
      case 'chosen':
        break;
      default:
        throw new AppError('WORKFLOW_INVALID', { node: n.id, reason: `unknown approver kind "${String((r as { kind: unknown }).kind).slice(0, 40)}"` });
    }
  }
  return rules.length ? resolveRecipients(c.db, c.schema, rules, { record: c.record }) : [];
}

/**
 * A `chosen` step's approvers: those named with the command (`next`), or else those chosen when
 * the instance was at this step before (a return or a resubmission reopens it), or else nobody.
 */
export function chosenFor(n: UserTaskNode, m: Instance, next: readonly string[] | undefined): string[] {
  if (next?.length) return [...next];
  const before = m.tasks.filter((t) => t.node === n.id && t.kind === 'approve' && !t.extra && t.status !== 'transferred');
  const last = before.at(-1)?.token;
  return before.filter((t) => t.token === last).map((t) => t.assignee);
}
