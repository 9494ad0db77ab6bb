import type { AppError } from '@tangram/errors';
import type { AutomationInput } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { resolveApp } from './resolve';

const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });

const objects = [
  {
    name: 'account',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'region', type: 'select', options: choice('east', 'west') },
      { name: 'score', type: 'integer' },
      { name: 'last_follow_up', type: 'datetime' },
    ],
  },
  {
    name: 'opportunity',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'amount', type: 'decimal' },
      { name: 'stage', type: 'select', options: choice('new', 'quote', 'won', 'lost') },
      { name: 'probability', type: 'integer' },
      { name: 'at_risk', type: 'boolean' },
      { name: 'account', type: 'lookup', options: { target: 'account' } },
      { name: 'sales_rep', type: 'user' },
      { name: 'close_date', type: 'date' },
      { name: 'weighted', type: 'formula', options: { expression: { '*': [{ var: 'amount' }, 2] }, resultType: 'number' } },
    ],
  },
  {
    name: 'task',
    fields: [
      { name: 'subject', type: 'text', required: true },
      { name: 'opportunity', type: 'lookup', options: { target: 'opportunity' } },
      { name: 'account', type: 'lookup', options: { target: 'account' } },
      { name: 'due', type: 'date' },
    ],
  },
];

const rule = (over: Partial<AutomationInput> = {}): AutomationInput => ({
  name: 'won_sets_probability',
  object: 'opportunity',
  trigger: { kind: 'field.changed', fields: ['stage'], to: 'won', timing: 'beforeSave' },
  actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'probability', value: 100 }] }],
  ...over,
});

/** The problems (code and path) resolving an app with these automations reports. */
function problemsOf(...automations: AutomationInput[]): { code: string; path: string }[] {
  try {
    resolveApp({ objects, automations });
  } catch (e) {
    const err = e as AppError;
    expect(err.code).toBe('METADATA_INVALID');
    return (err.details.problems as { code: string; path: string }[]).map(({ code, path }) => ({ code, path }));
  }
  throw new Error('expected METADATA_INVALID');
}

describe('automations in the metadata', () => {
  it('resolve with stable ids, defaults, locale labels and field ids, for every trigger and action kind', () => {
    const app = resolveApp({
      objects,
      automations: [
        rule({ label: '赢单概率', condition: { '>': [{ var: 'amount' }, { var: '$previous.amount' }] } }),
        {
          name: 'big_deal_idle',
          object: 'opportunity',
          trigger: { kind: 'inactivity', fields: ['close_date'], days: 7 },
          condition: { '>': [{ var: 'amount' }, 100000] },
          actions: [
            { id: 'flag', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'at_risk', value: true }] },
            { id: 'touch_account', kind: 'updateRecord', target: { kind: 'parent', field: 'account' }, values: [{ field: 'score', formula: { '+': [1, 2] } }] },
            {
              id: 'tasks',
              kind: 'updateRecord',
              target: { kind: 'children', object: 'task', field: 'opportunity' },
              values: [{ field: 'subject', value: '跟进' }],
            },
            { id: 'tell', kind: 'notify', to: [{ kind: 'owner' }, { kind: 'ownerManager' }, { kind: 'userField', field: 'sales_rep' }], title: '大单无跟进' },
          ],
        },
        {
          name: 'renewal',
          object: 'opportunity',
          trigger: { kind: 'date.relative', field: 'close_date', offset: { amount: 30, unit: 'days' }, direction: 'before' },
          actions: [
            { id: 'task', kind: 'createRecord', object: 'task', values: [{ field: 'subject', formula: { cat: ['续约: ', { var: 'title' }] } }] },
            { id: 'mail', kind: 'email', to: [{ kind: 'role', role: 'sales_manager' }], subject: '续约', body: '请跟进' },
            { id: 'hook', kind: 'webhook', url: 'https://example.com/hook', secretRef: 'crm_hook' },
            { id: 'bot', kind: 'robot', provider: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', message: '续约提醒' },
          ],
        },
        {
          name: 'daily',
          object: 'account',
          trigger: { kind: 'schedule', cron: '0 9 * * mon-fri', timeZone: 'Asia/Shanghai' },
          actions: [
            { id: 'assign', kind: 'assignOwner', strategy: { kind: 'mapping', field: 'region', map: { east: '0190a0a0-0000-7000-8000-000000000001' } } },
            { id: 'score', kind: 'addScore', field: 'score', amount: 10 },
          ],
        },
        {
          name: 'created',
          object: 'task',
          enabled: false,
          trigger: { kind: 'record.created' },
          actions: [{ id: 'rr', kind: 'assignOwner', strategy: { kind: 'roundRobin', department: '0190a0a0-0000-7000-8000-000000000002' } }],
        },
      ],
    });
    const [won, idle, renewal, daily, created] = app.automations;
    expect(won).toMatchObject({
      id: 'won_sets_probability',
      object: 'opportunity',
      enabled: true,
      runAs: 'system',
      label: { 'zh-CN': '赢单概率', en: '赢单概率' },
    });
    expect(won?.trigger).toEqual({ kind: 'field.changed', timing: 'beforeSave', fields: ['stage'], to: 'won' });
    expect(idle?.trigger).toEqual({ kind: 'inactivity', fields: ['close_date'], days: 7, episodeField: 'close_date' });
    expect(idle?.actions[2]?.target).toEqual({ kind: 'children', object: 'task', field: 'opportunity' });
    expect(renewal?.actions[1]?.subject).toEqual({ 'zh-CN': '续约', en: '续约' });
    expect(daily?.trigger).toEqual({ kind: 'schedule', cron: '0 9 * * mon-fri', timeZone: 'Asia/Shanghai' });
    expect(created).toMatchObject({ enabled: false, trigger: { kind: 'record.created', timing: 'afterCommit' } });
    // Published metadata is resolved again on every publish (rollback, template upgrade): it must come back the same.
    expect(resolveApp(structuredClone(app))).toEqual(app);
  });

  it('stores field ids, so renaming a field keeps the automation', () => {
    const renamed = structuredClone(objects);
    const stage = renamed[1]?.fields.find((f) => f.name === 'stage') as { id?: string; name: string };
    stage.id = 'stage';
    stage.name = 'phase';
    const app = resolveApp({ objects: renamed, automations: [rule({ trigger: { kind: 'field.changed', fields: ['phase'], timing: 'beforeSave' } })] });
    expect(app.automations[0]?.trigger.fields).toEqual(['stage']);
  });

  it('keeps from / to values in their stored form, as they are compared with stored values', () => {
    const app = resolveApp({
      objects,
      automations: [
        {
          name: 'followed_up',
          object: 'account',
          trigger: { kind: 'field.changed', fields: ['last_follow_up'], from: '2026-01-01T08:00:00+08:00' },
          actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: '跟进' }],
        },
      ],
    });
    expect(app.automations[0]?.trigger.from).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reports unknown objects and fields, and ids used twice, at their paths', () => {
    expect(problemsOf(rule({ object: 'nothing' }))).toEqual([{ code: 'OBJECT_NOT_FOUND', path: '/automations/0/object' }]);
    expect(
      problemsOf(
        rule({
          trigger: { kind: 'field.changed', fields: ['nope'], timing: 'beforeSave' },
          actions: [
            { id: 'a', kind: 'setFields', values: [{ field: 'missing', value: 1 }] },
            { id: 'a', kind: 'refuse', message: 'no' },
          ],
        }),
        rule(),
      ),
    ).toEqual([
      { code: 'FIELD_NOT_FOUND', path: '/automations/0/trigger/fields/0' },
      { code: 'FIELD_NOT_FOUND', path: '/automations/0/actions/0/values/0/field' },
      { code: 'NAME_DUPLICATE', path: '/automations/0/actions/1/id' },
      { code: 'NAME_DUPLICATE', path: '/automations/1/id' },
      { code: 'NAME_DUPLICATE', path: '/automations/1/name' },
    ]);
  });

  it('reports a trigger lacking what its kind needs, or given what it does not take (AUTOMATION_TRIGGER_INVALID)', () => {
    expect(
      problemsOf(
        rule({ trigger: { kind: 'field.changed', timing: 'beforeSave' } }),
        rule({
          name: 'b',
          trigger: { kind: 'schedule', cron: '0 9 * * *', timing: 'beforeSave' },
          actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }],
        }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_TRIGGER_INVALID', path: '/automations/0/trigger/fields' },
      { code: 'AUTOMATION_TRIGGER_INVALID', path: '/automations/1/trigger/timing' },
    ]);
    // Checked against the field's type once the shape is right.
    expect(problemsOf(rule({ trigger: { kind: 'field.changed', fields: ['stage'], from: 'lost_forever', timing: 'beforeSave' } }))).toEqual([
      { code: 'AUTOMATION_TRIGGER_INVALID', path: '/automations/0/trigger/from' },
    ]);
  });

  it('reports a schedule that does not parse, or an unknown time zone (AUTOMATION_CRON_INVALID)', () => {
    const schedule = (cron: string, timeZone?: string) =>
      rule({
        name: `s${cron.length}`,
        trigger: { kind: 'schedule', cron, ...(timeZone ? { timeZone } : {}) },
        actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }],
      });
    expect(problemsOf(schedule('0 25 * * *'), schedule('0 9 * * * *', 'Mars/Olympus_Mons'))).toEqual([
      { code: 'AUTOMATION_CRON_INVALID', path: '/automations/0/trigger/cron' },
      { code: 'AUTOMATION_CRON_INVALID', path: '/automations/1/trigger/cron' },
      { code: 'AUTOMATION_CRON_INVALID', path: '/automations/1/trigger/timeZone' },
    ]);
  });

  it('reports an action lacking what its kind needs, given what it does not take, or a value its field cannot hold (AUTOMATION_ACTION_INVALID)', () => {
    expect(
      problemsOf(
        rule({
          actions: [
            { id: 'r', kind: 'refuse' },
            { id: 's', kind: 'setFields', values: [{ field: 'probability', value: 1, formula: { '+': [1, 1] } }] },
            { id: 'm', kind: 'setFields', values: [{ field: 'amount', value: 1 }], message: 'not mine' },
          ],
        }),
        rule({
          name: 'b',
          trigger: { kind: 'record.updated' },
          actions: [{ id: 'u', kind: 'updateRecord', target: { kind: 'parent' }, values: [{ field: 'score', value: 1 }] }],
        }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/0/actions/0/message' },
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/0/actions/1/values/0' },
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/0/actions/2/message' },
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/1/actions/0/target/field' },
    ]);
    expect(problemsOf(rule({ actions: [{ id: 'p', kind: 'setFields', values: [{ field: 'probability', value: 'high' }] }] }))).toEqual([
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/0/actions/0/values/0/value' },
    ]);
  });

  it('reports actions that do not fit the timing (AUTOMATION_ACTION_TIMING)', () => {
    expect(
      problemsOf(
        rule({ actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: '赢单' }] }),
        rule({ name: 'b', trigger: { kind: 'record.updated' } }),
        rule({ name: 'c', trigger: { kind: 'date.relative', field: 'close_date', offset: { amount: 1, unit: 'days' }, direction: 'after' } }),
        rule({ name: 'd', trigger: { kind: 'record.deleted', timing: 'beforeSave' } }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_ACTION_TIMING', path: '/automations/0/actions/0/kind' },
      { code: 'AUTOMATION_ACTION_TIMING', path: '/automations/1/actions/0/kind' },
      { code: 'AUTOMATION_ACTION_TIMING', path: '/automations/2/actions/0/kind' },
      { code: 'AUTOMATION_ACTION_TIMING', path: '/automations/3/actions/0/kind' },
    ]);
  });

  it('reports fields whose type does not fit their use (AUTOMATION_FIELD_UNSUITABLE)', () => {
    const after = { kind: 'record.updated' } as const;
    expect(
      problemsOf(
        rule({
          trigger: { kind: 'date.relative', field: 'title', offset: { amount: 1, unit: 'hours' }, direction: 'after' },
          actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }],
        }),
        rule({ name: 'b', trigger: after, actions: [{ id: 'a', kind: 'addScore', field: 'title', amount: 5 }] }),
        rule({
          name: 'c',
          trigger: after,
          actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }, { kind: 'userField', field: 'account' }], title: 't' }],
        }),
        rule({ actions: [{ id: 's', kind: 'setFields', values: [{ field: 'weighted', value: 3 }] }], name: 'd' }),
        rule({
          name: 'e',
          trigger: { kind: 'inactivity', fields: ['amount'], days: 3 },
          actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }],
        }),
        rule({ name: 'f', trigger: after, actions: [{ id: 'o', kind: 'assignOwner', strategy: { kind: 'mapping', field: 'amount', map: {} } }] }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/0/trigger/field' },
      { code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/1/actions/0/field' },
      { code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/2/actions/0/to/1/field' },
      { code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/3/actions/0/values/0/field' },
      { code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/4/trigger/fields/0' },
      { code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/5/actions/0/strategy/field' },
    ]);
  });

  it('addScore on a parent: the field is the parent’s, a number it can write; children are not scored', () => {
    const after = { kind: 'record.updated' } as const;
    const scored = resolveApp({
      objects,
      automations: [
        rule({ trigger: after, actions: [{ id: 'p', kind: 'addScore', target: { kind: 'parent', field: 'account' }, field: 'score', amount: 10 }] }),
      ],
    });
    const account = scored.objects.find((o) => o.name === 'account');
    const opportunity = scored.objects.find((o) => o.name === 'opportunity');
    expect(scored.automations[0]?.actions[0]).toMatchObject({
      target: { kind: 'parent', field: opportunity?.fields.find((f) => f.name === 'account')?.id },
      field: account?.fields.find((f) => f.name === 'score')?.id,
    });
    expect(
      problemsOf(
        // The opportunity has no "score": the field is looked up on the parent, the account.
        rule({
          name: 'a',
          trigger: after,
          actions: [{ id: 'p', kind: 'addScore', target: { kind: 'parent', field: 'account' }, field: 'probability', amount: 1 }],
        }),
        rule({
          name: 'c',
          trigger: after,
          actions: [{ id: 'p', kind: 'addScore', target: { kind: 'children', object: 'task', field: 'opportunity' }, field: 'score', amount: 1 }],
        }),
      ),
    ).toEqual([
      { code: 'FIELD_NOT_FOUND', path: '/automations/0/actions/0/field' },
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/1/actions/0/target/kind' },
    ]);
    expect(
      problemsOf(
        rule({ name: 'b', trigger: after, actions: [{ id: 'p', kind: 'addScore', target: { kind: 'parent', field: 'account' }, field: 'name', amount: 1 }] }),
      ),
    ).toEqual([{ code: 'AUTOMATION_FIELD_UNSUITABLE', path: '/automations/0/actions/0/field' }]);
  });

  it('reports parent and children targets not reached through a lookup (AUTOMATION_TARGET_INVALID)', () => {
    const after = { kind: 'record.updated' } as const;
    expect(
      problemsOf(
        rule({
          trigger: after,
          actions: [{ id: 'p', kind: 'updateRecord', target: { kind: 'parent', field: 'stage' }, values: [{ field: 'stage', value: 'won' }] }],
        }),
        rule({
          name: 'b',
          trigger: after,
          actions: [
            { id: 'c', kind: 'updateRecord', target: { kind: 'children', object: 'task', field: 'account' }, values: [{ field: 'subject', value: 'x' }] },
          ],
        }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_TARGET_INVALID', path: '/automations/0/actions/0/target/field' },
      { code: 'AUTOMATION_TARGET_INVALID', path: '/automations/1/actions/0/target/field' },
    ]);
  });

  it('checks conditions and formulas with the logic package: fields, variables, operators and result types', () => {
    expect(
      problemsOf(
        rule({ condition: { '==': [{ var: 'colour' }, 'red'] } }),
        rule({ name: 'b', actions: [{ id: 's', kind: 'setFields', values: [{ field: 'probability', formula: { cat: ['a', 'b'] } }] }] }),
        // A sweep's condition runs as SQL over the table: there is no previous value there.
        rule({
          name: 'c',
          trigger: { kind: 'inactivity', fields: ['close_date'], days: 3 },
          condition: { '>': [{ var: 'amount' }, { var: '$previous.amount' }] },
          actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }],
        }),
        rule({ name: 'd', condition: { eval: ['x'] } }),
      ),
    ).toEqual([
      { code: 'RULE_FIELD_UNKNOWN', path: '/automations/0/condition/==/0' },
      { code: 'RULE_TYPE_MISMATCH', path: '/automations/1/actions/0/values/0/formula' },
      { code: 'RULE_FIELD_UNKNOWN', path: '/automations/2/condition/>/1' },
      { code: 'RULE_OPERATOR_UNKNOWN', path: '/automations/3/condition' },
    ]);
  });

  it('refuses an unknown kind through the JSON Schema (METADATA_INVALID)', () => {
    expect(problemsOf(rule({ trigger: { kind: 'record.exploded' as 'record.created' } }))).toEqual([
      { code: 'METADATA_INVALID', path: '/automations/0/trigger/kind' },
    ]);
  });
});

describe('values read from other records and query targets', () => {
  const recount = (
    values: unknown[],
    target: unknown = { kind: 'query', object: 'opportunity', filter: { '==': [{ var: 'account' }, { var: '$record.id' }] } },
  ) =>
    ({
      name: `recount_${n++}`,
      object: 'account',
      trigger: { kind: 'record.updated' },
      actions: [{ id: 'sum', kind: 'updateRecord', target, values }],
    }) as AutomationInput;
  let n = 0;
  const aggregate = (g: Record<string, unknown>) =>
    rule({ name: `agg_${n++}`, actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'probability', aggregate: g } as never] }] });

  it('resolve: object and fields to ids, filters checked and kept, sort directions defaulted', () => {
    const app = resolveApp({
      objects,
      automations: [
        aggregate({ object: 'task', op: 'count', filter: { '==': [{ var: 'opportunity' }, { var: '$record.id' }] } }),
        {
          name: 'first_task',
          object: 'opportunity',
          trigger: { kind: 'record.created', timing: 'beforeSave' },
          actions: [
            {
              id: 'pick',
              kind: 'setFields',
              values: [
                {
                  field: 'account',
                  aggregate: { object: 'task', op: 'first', field: 'account', sort: [{ field: 'due' }, { field: 'created_at', direction: 'desc' }] },
                },
              ],
            },
          ],
        },
        recount([{ field: 'probability', aggregate: { object: 'task', op: 'count', filter: { '==': [{ var: 'opportunity' }, { var: '$target.id' }] } } }]),
      ],
    });
    const [count, first, query] = app.automations;
    const task = app.objects.find((o) => o.name === 'task')!;
    const opp = app.objects.find((o) => o.name === 'opportunity')!;
    const id = (o: typeof task, n: string) => o.fields.find((f) => f.name === n)!.id;
    expect(count!.actions[0]!.values![0]!.aggregate).toEqual({
      object: task.id,
      op: 'count',
      filter: { '==': [{ var: 'opportunity' }, { var: '$record.id' }] },
    });
    expect(first!.actions[0]!.values![0]!.aggregate).toEqual({
      object: task.id,
      op: 'first',
      field: id(task, 'account'),
      sort: [
        { field: id(task, 'due'), direction: 'asc' },
        { field: 'created_at', direction: 'desc' },
      ],
    });
    expect(query!.actions[0]!.target).toEqual({ kind: 'query', object: opp.id, filter: { '==': [{ var: 'account' }, { var: '$record.id' }] } });
  });

  it('report every problem of their shape with its code and path', () => {
    expect(
      problemsOf(
        aggregate({ object: 'invoice', op: 'count' }),
        aggregate({ object: 'task', op: 'sum', field: 'colour' }),
        aggregate({ object: 'task', op: 'median', field: 'due' }),
        aggregate({ object: 'task', op: 'sum' }),
        aggregate({ object: 'task', op: 'count', sort: [{ field: 'due' }] }),
        aggregate({ op: 'count' }),
        rule({
          name: 'both',
          actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'probability', value: 1, aggregate: { object: 'task', op: 'count' } } as never] }],
        }),
        recount([{ field: 'probability', value: 1 }], { kind: 'query', object: 'invoice', filter: true }),
        recount([{ field: 'probability', value: 1 }], { kind: 'query', object: 'opportunity' }),
      ),
    ).toEqual([
      { code: 'OBJECT_NOT_FOUND', path: '/automations/0/actions/0/values/0/aggregate/object' },
      { code: 'FIELD_NOT_FOUND', path: '/automations/1/actions/0/values/0/aggregate/field' },
      { code: 'AUTOMATION_QUERY_INVALID', path: '/automations/2/actions/0/values/0/aggregate/op' },
      { code: 'AUTOMATION_QUERY_INVALID', path: '/automations/3/actions/0/values/0/aggregate/field' },
      { code: 'AUTOMATION_QUERY_INVALID', path: '/automations/4/actions/0/values/0/aggregate/sort' },
      { code: 'AUTOMATION_QUERY_INVALID', path: '/automations/5/actions/0/values/0/aggregate/object' },
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/6/actions/0/values/0' },
      { code: 'OBJECT_NOT_FOUND', path: '/automations/7/actions/0/target/object' },
      { code: 'AUTOMATION_ACTION_INVALID', path: '/automations/8/actions/0/target/filter' },
    ]);
  });

  it('report fields that do not fit the operation, results that do not fit the field, and filters that are not valid', () => {
    expect(
      problemsOf(
        aggregate({ object: 'opportunity', op: 'sum', field: 'title' }),
        aggregate({ object: 'task', op: 'first', field: 'subject' }),
        aggregate({ object: 'task', op: 'count', filter: { '==': [{ var: 'nope' }, 1] } }),
        aggregate({ object: 'task', op: 'count', filter: { '==': [{ var: 'due' }, { var: '$sometime' }] } }),
        aggregate({ object: 'task', op: 'count', filter: { '==': [{ '+': [{ var: 'due' }, 1] }, 2] } }),
        // A query target's filter has no $target: it finds the targets.
        recount([{ field: 'probability', value: 1 }], { kind: 'query', object: 'opportunity', filter: { '==': [{ var: 'stage' }, { var: '$target.stage' }] } }),
      ),
    ).toEqual([
      { code: 'AUTOMATION_QUERY_INVALID', path: '/automations/0/actions/0/values/0/aggregate/field' },
      { code: 'AUTOMATION_QUERY_INVALID', path: '/automations/1/actions/0/values/0/aggregate' },
      { code: 'RULE_FIELD_UNKNOWN', path: '/automations/2/actions/0/values/0/aggregate/filter/==/0' },
      { code: 'RULE_FIELD_UNKNOWN', path: '/automations/3/actions/0/values/0/aggregate/filter/==/1' },
      { code: 'RULE_OPERATOR_UNKNOWN', path: '/automations/4/actions/0/values/0/aggregate/filter/==/0' },
      { code: 'RULE_FIELD_UNKNOWN', path: '/automations/5/actions/0/target/filter/==/1' },
    ]);
  });

  it('record actions, which run as a person, take neither', () => {
    try {
      resolveApp({
        objects,
        recordActions: [
          {
            name: 'recount',
            object: 'account',
            actions: [
              {
                id: 'sum',
                kind: 'updateRecord',
                target: { kind: 'query', object: 'opportunity', filter: true },
                values: [{ field: 'score', aggregate: { object: 'opportunity', op: 'count' } }],
              },
            ],
          },
        ],
      });
      throw new Error('expected METADATA_INVALID');
    } catch (e) {
      const problems = ((e as AppError).details.problems as { code: string; path: string }[]).map(({ code, path }) => ({ code, path }));
      expect(problems).toEqual([
        { code: 'AUTOMATION_QUERY_INVALID', path: '/recordActions/0/actions/0/target/kind' },
        { code: 'AUTOMATION_QUERY_INVALID', path: '/recordActions/0/actions/0/values/0/aggregate' },
      ]);
    }
  });
});
