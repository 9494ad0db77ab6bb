import type { AppError } from '@tangram/errors';
import type { AutomationInput, RecordActionInput } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { lookupPathsOf } from './lookup-paths';
import { resolveApp } from './resolve';

// Lookup paths at publish: each dotted name of a condition or formula checked segment by segment.

const objects = [
  { name: 'region', fields: [{ name: 'name', type: 'text' }] },
  {
    name: 'account',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'level', type: 'select', options: { options: [{ key: 'A' }, { key: 'B' }] } },
      { name: 'region', type: 'lookup', options: { target: 'region' } },
      { name: 'manager', type: 'user' },
      { name: 'tags', type: 'manytomany', options: { target: 'region' } },
    ],
  },
  {
    name: 'contract',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'account', type: 'lookup', options: { target: 'account' } },
      { name: 'minutes', type: 'integer' },
    ],
  },
  {
    name: 'ticket',
    fields: [
      { name: 'subject', type: 'text' },
      { name: 'contract', type: 'lookup', options: { target: 'contract' } },
      { name: 'response_due_at', type: 'datetime' },
      { name: 'note', type: 'text' },
    ],
  },
];

const rule = (condition: unknown, formula: unknown = { var: 'subject' }): AutomationInput => ({
  name: 'r',
  object: 'ticket',
  trigger: { kind: 'record.created', timing: 'beforeSave' },
  condition,
  actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'note', formula }] }],
});

function problemsOf(...automations: AutomationInput[]): { code: string; path: string }[] {
  try {
    resolveApp({ objects, automations });
  } catch (e) {
    const err = e as AppError;
    return ((err.details.problems as { code: string; path: string }[]) ?? []).map(({ code, path }) => ({ code, path }));
  }
  return [];
}

describe('lookup paths at publish', () => {
  it('accepts a path through lookups, up to three, ending on a field, a system field or a user property', () => {
    const app = resolveApp({
      objects,
      automations: [
        rule(
          {
            and: [
              { '==': [{ var: 'contract.account.level' }, 'A'] },
              { '!=': [{ var: 'contract.account.region.name' }, null] },
              { '!=': [{ var: 'contract.account.manager.name' }, null] },
              { '!=': [{ var: 'contract.owner_id.email' }, null] },
              { '<': [{ var: 'contract.created_at' }, { var: '$now' }] },
            ],
          },
          { cat: [{ var: 'contract.title' }, ' ', { '*': [{ var: 'contract.minutes' }, 60] }] },
        ),
      ],
    });
    expect(app.automations[0]?.condition).toBeDefined();
  });

  it('types a path as its last field: a number path is refused where text is compared', () => {
    expect(problemsOf(rule({ '==': [{ var: 'contract.minutes' }, 'many'] }))).toEqual([{ code: 'RULE_TYPE_MISMATCH', path: '/automations/0/condition/==/1' }]);
  });

  it('reports an unknown name at the var, once', () => {
    expect(problemsOf(rule({ and: [{ '==': [{ var: 'contract.account.levle' }, 'A'] }, { '==': [{ var: 'nothing.at_all' }, 1] }] }))).toEqual([
      { code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN', path: '/automations/0/condition/and/0/==/0' },
      { code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN', path: '/automations/0/condition/and/1/==/0' },
    ]);
  });

  it('reports a path that goes on through a field that is not a lookup, or on from a user', () => {
    expect(
      problemsOf(rule({ '==': [{ var: 'contract.title.name' }, 'x'] }, { var: 'contract.owner_id.name.x' }), {
        ...rule({ '==': [{ var: 'contract.created_at.x' }, 'x'] }),
        name: 'r2',
      }),
    ).toEqual([
      { code: 'AUTOMATION_LOOKUP_NOT_LOOKUP', path: '/automations/0/condition/==/0' },
      { code: 'AUTOMATION_LOOKUP_NOT_LOOKUP', path: '/automations/0/actions/0/values/0/formula' },
      { code: 'AUTOMATION_LOOKUP_NOT_LOOKUP', path: '/automations/1/condition/==/0' },
    ]);
  });

  it('refuses a many-to-many field at the end, a path of more than three lookups, and $previous through a lookup', () => {
    expect(
      problemsOf(
        rule({
          and: [
            { '!=': [{ var: 'contract.account.tags' }, null] },
            { '==': [{ var: 'contract.account.region.owner_id.name' }, 'x'] },
            { '==': [{ var: '$previous.contract.title' }, 'x'] },
            { '!=': [{ var: '$previous.contract' }, null] },
          ],
        }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_LOOKUP_FIELD_UNKNOWN', path: '/automations/0/condition/and/0/!=/0' },
      { code: 'AUTOMATION_LOOKUP_TOO_DEEP', path: '/automations/0/condition/and/1/==/0' },
      { code: 'AUTOMATION_LOOKUP_PREVIOUS', path: '/automations/0/condition/and/2/==/0' },
    ]);
  });

  it('are not taken by record actions (they do not load them)', () => {
    const action: RecordActionInput = {
      name: 'copy',
      object: 'ticket',
      actions: [{ id: 'set', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'note', formula: { var: 'contract.title' } }] }],
    };
    let codes: string[] = [];
    try {
      resolveApp({ objects, recordActions: [action] });
    } catch (e) {
      codes = ((e as AppError).details.problems as { code: string }[]).map((p) => p.code);
    }
    expect(codes).toEqual(['RULE_FIELD_UNKNOWN']);
  });

  it('lists the dotted names a rule reads, variables aside', () => {
    expect(lookupPathsOf({ and: [{ var: 'a.b' }, { var: ['c.d.e'] }, { var: '$previous.x' }, { var: 'plain' }, { var: 'a.b' }] })).toEqual(['a.b', 'c.d.e']);
  });
});
