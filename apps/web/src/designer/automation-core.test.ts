import { resolveApp } from '@tangram/fields';
import { type AutomationInput, automationTriggerKinds } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { fieldTypes } from '@tangram/fields';
import type { FieldTypeName } from '@tangram/metadata';
import {
  actionKindsFor,
  automationsOf,
  freeActionId,
  isNumber,
  isRecordReference,
  isUserReference,
  isWritable,
  newAction,
  newTrigger,
  putAutomation,
} from './automation-core';
import type { DesignDoc } from './designer-core';

const deal = {
  name: 'deal',
  fields: [
    { name: 'title', type: 'text' as const },
    { name: 'amount', type: 'decimal' as const },
    { name: 'last_follow_up_at', type: 'datetime' as const },
  ],
};
const shapeOf = (a: AutomationInput) => {
  try {
    resolveApp({ objects: [deal], automations: [a] });
    return [];
  } catch (e) {
    // Only the shape matters here: what a kind needs and does not take (values still to be filled in are the designer's job).
    const problems = ((e as { details?: { problems?: { message: string; path: string }[] } }).details?.problems ?? []) as { message: string; path: string }[];
    return problems.filter((p) => /needs "|takes no "/.test(p.message));
  }
};

describe('automation designer core', () => {
  it('gives every trigger kind, with every action kind its timing allows, the shape the metadata takes', () => {
    const fields = deal.fields.map((f) => ({ name: f.name, temporal: f.type === 'datetime' }));
    for (const kind of automationTriggerKinds) {
      const trigger = newTrigger(kind, fields);
      const a: AutomationInput = { name: 'x', object: 'deal', trigger, actions: [] };
      for (const actionKind of actionKindsFor(trigger))
        a.actions.push(newAction(actionKind, freeActionId(a), { objectName: 'deal', firstField: 'title', numberField: 'amount' }));
      expect(a.actions.length).toBeGreaterThan(0);
      expect(shapeOf(a), kind).toEqual([]);
    }
  });

  it('puts, changes and removes an automation, each undoable', () => {
    const doc: DesignDoc = { objects: [deal] };
    const a: AutomationInput = { name: 'a', object: 'deal', trigger: { kind: 'record.created' }, actions: [] };
    const added = putAutomation(undefined, a);
    const d1 = added.execute(doc);
    expect(automationsOf(d1)).toEqual([a]);
    const b = { ...a, enabled: false };
    const changed = putAutomation(a, b);
    const d2 = changed.execute(d1);
    expect(automationsOf(d2)).toEqual([b]);
    expect(automationsOf(changed.revert(d2))).toEqual([a]);
    const removed = putAutomation(b, undefined);
    const d3 = removed.execute(d2);
    expect(automationsOf(d3)).toEqual([]);
    expect(automationsOf(removed.revert(d3))).toEqual([b]);
    expect(automationsOf(added.revert(d1))).toEqual([]);
  });

  it('asks the field types what a field may be used for', () => {
    const of = (type: FieldTypeName) => ({ type, options: { target: 'deal' } });
    const names = Object.keys(fieldTypes) as FieldTypeName[];
    expect(names.filter((n) => isRecordReference(of(n))).sort()).toEqual(['lookup', 'masterdetail']);
    expect(names.filter((n) => isUserReference(of(n)))).toEqual(['user']);
    expect(names.filter((n) => isNumber(of(n)))).toEqual(expect.arrayContaining(['integer', 'decimal']));
    expect(names.filter((n) => isNumber(of(n)))).not.toContain('formula');
    expect(names.filter((n) => !isWritable(of(n))).sort()).toEqual(['autonumber', 'formula', 'rollup']);
  });
});
