import {
  type AutomationActionInput,
  type AutomationActionKind,
  type AutomationInput,
  type AutomationTriggerInput,
  type AutomationTriggerKind,
  type Field,
  type RecipientInput,
  type RecipientKind,
  recordTriggerKinds,
} from '@tangram/metadata';
import { fieldTypes } from '@tangram/fields';
import { type Command, type DesignDoc, namedList, putNamed } from './designer-core';

// The automation designer's document work, framework-free: the draft's automations, new
// triggers and actions of each kind with what they need filled in, and the command that puts an
// automation into the draft (undo/redo with the rest of the designer).

/** The draft's automations (none yet: an empty list). */
export const automationsOf = (doc: DesignDoc): AutomationInput[] => namedList<AutomationInput>(doc, 'automations');

/** Puts an automation into the draft: `before` (its current version, undefined: new) becomes `after` (undefined: removed). */
export const putAutomation = (before: AutomationInput | undefined, after: AutomationInput | undefined): Command =>
  putNamed('automations', 'automation.put', before, after);

/** A free automation name (`auto_1`, `auto_2`, …). */
export function freeAutomationName(doc: DesignDoc): string {
  const used = new Set(automationsOf(doc).map((a) => a.name));
  for (let i = 1; ; i++) if (!used.has(`auto_${i}`)) return `auto_${i}`;
}

/** A free action id within an automation (`a1`, `a2`, …): ids stay stable once given (they key the effects). */
export function freeActionId(a: Pick<AutomationInput, 'actions'>): string {
  const used = new Set(a.actions.map((x) => x.id));
  for (let i = 1; ; i++) if (!used.has(`a${i}`)) return `a${i}`;
}

export const isRecordTrigger = (kind: AutomationTriggerKind): boolean => recordTriggerKinds.includes(kind);

/** A trigger of `kind` with its required parts present (filled with the object's first suitable fields). */
export function newTrigger(kind: AutomationTriggerKind, fields: { name: string; temporal: boolean }[]): AutomationTriggerInput {
  const firstDate = fields.find((f) => f.temporal)?.name ?? '';
  switch (kind) {
    case 'field.changed':
      return { kind, fields: [], timing: 'afterCommit' };
    case 'schedule':
      return { kind, cron: '0 9 * * 1-5', timeZone: 'Asia/Shanghai' };
    case 'date.relative':
      return { kind, field: firstDate, offset: { amount: 3, unit: 'days' }, direction: 'before' };
    case 'inactivity':
      return { kind, fields: firstDate ? [firstDate] : [], days: 7 };
    default:
      return { kind, timing: 'afterCommit' };
  }
}

/** Action kinds a trigger's timing allows: set values / refuse inside the write, the others after it. */
export function actionKindsFor(trigger: AutomationTriggerInput): AutomationActionKind[] {
  const inside: AutomationActionKind[] = ['setFields', 'refuse'];
  const after: AutomationActionKind[] = ['updateRecord', 'createRecord', 'notify', 'email', 'webhook', 'robot', 'assignOwner', 'addScore'];
  return isRecordTrigger(trigger.kind) && trigger.timing === 'beforeSave' ? inside : after;
}

/** A new action of `kind` (id given by the caller) with its required parts present. */
export function newAction(
  kind: AutomationActionKind,
  id: string,
  ctx: { objectName: string; firstField?: string; numberField?: string },
): AutomationActionInput {
  const values: AutomationActionInput['values'] = [];
  const owner: RecipientInput[] = [{ kind: 'owner' }];
  const byKind: Record<AutomationActionKind, Omit<AutomationActionInput, 'id' | 'kind'>> = {
    setFields: { values },
    refuse: { message: { 'zh-CN': '' } },
    updateRecord: { target: { kind: 'self' }, values },
    createRecord: { object: ctx.objectName, values: [] },
    notify: { to: owner, title: { 'zh-CN': '' } },
    email: { to: owner, subject: { 'zh-CN': '' }, body: { 'zh-CN': '' } },
    webhook: { url: 'https://' },
    robot: { provider: 'wecom', url: 'https://', message: { 'zh-CN': '' } },
    assignOwner: { strategy: { kind: 'mapping', field: ctx.firstField ?? '', map: {} } },
    addScore: { field: ctx.numberField ?? ctx.firstField ?? '', amount: 10 },
  };
  return { id, kind, ...byKind[kind] };
}

/** A recipient of `kind` with its required part present. */
export function newRecipient(kind: RecipientKind, firstUserField?: string): RecipientInput {
  if (kind === 'role') return { kind, role: '' };
  if (kind === 'userField') return { kind, field: firstUserField ?? '' };
  if (kind === 'users') return { kind, users: [] };
  return { kind };
}

/** Text of a locale map in the designer's language (plain strings as they are). */
export function zhText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') return String((v as Record<string, unknown>)['zh-CN'] ?? Object.values(v)[0] ?? '');
  return '';
}

// What a field may be used for in an automation, asked of its field type (never by type name).
type FieldLike = Pick<Field, 'type'> & Partial<Pick<Field, 'options'>>;
/** A lookup-like field: one record of an object of the app (a parent to update, the way children point here). */
export const isRecordReference = (f: FieldLike): boolean => {
  const r = fieldTypes[f.type]?.reference;
  return !!r && r.toObject && r.shape === 'single';
};
/** A field holding one member (a recipient). */
export const isUserReference = (f: FieldLike): boolean => {
  const r = fieldTypes[f.type]?.reference;
  return !!r && !r.toObject && r.shape === 'single' && r.target(f as never) === '_user';
};
/** A number an action may add to (a score). */
export const isNumber = (f: FieldLike): boolean => fieldTypes[f.type]?.kind === 'number' && !fieldTypes[f.type]?.computed;
/** A field an action may write (computed ones are the engine's). */
export const isWritable = (f: FieldLike): boolean => !fieldTypes[f.type]?.computed;
