import {
  automationActionKinds,
  automationRunAs,
  automationTimings,
  automationTriggerKinds,
  recordActionInputTypes,
  recordActionStepKinds,
  duplicateMatches,
  fieldTypeNames,
  recipientKinds,
  robotProviders,
  timeUnits,
  workflowStatuses,
} from './types';

const localeText = {
  oneOf: [
    { type: 'string', maxLength: 200 },
    {
      type: 'object',
      propertyNames: { pattern: '^[a-z]{2,3}(-[A-Z][A-Za-z]{1,3})?$' },
      additionalProperties: { type: 'string', maxLength: 200 },
      maxProperties: 20,
    },
  ],
} as const;

const longLocaleText = {
  oneOf: [
    { type: 'string', maxLength: 4000 },
    { type: 'object', additionalProperties: { type: 'string', maxLength: 4000 }, maxProperties: 20 },
  ],
} as const;

const name = { type: 'string', maxLength: 63 } as const;

const field = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    type: { enum: fieldTypeNames },
    label: localeText,
    description: longLocaleText,
    required: { type: 'boolean' },
    unique: { type: 'boolean' },
    indexed: { type: 'boolean' },
    defaultValue: {},
    options: { type: 'object' },
    archived: { type: 'boolean' },
  },
} as const;

const object = {
  type: 'object',
  required: ['name', 'fields'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    pluralLabel: localeText,
    description: longLocaleText,
    titleField: name,
    searchFields: { type: 'array', items: name, maxItems: 20 },
    fields: { type: 'array', items: field, maxItems: 500 },
    indexes: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['fields'],
        additionalProperties: false,
        properties: {
          id: name,
          fields: { type: 'array', items: name, minItems: 1, maxItems: 8 },
          unique: { type: 'boolean' },
        },
      },
    },
    validationRules: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['id', 'rule', 'message'],
        additionalProperties: false,
        properties: { id: name, rule: {}, message: longLocaleText, field: name },
      },
    },
    duplicateRules: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['id', 'field', 'match'],
        additionalProperties: false,
        properties: { id: name, field: name, match: { enum: [...duplicateMatches] }, message: longLocaleText },
      },
    },
    publicPool: {
      type: 'object',
      additionalProperties: false,
      properties: {
        claimLimit: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        recycleAfterDays: { type: 'integer', minimum: 1, maximum: 3650 },
        activityField: name,
      },
    },
    archived: { type: 'boolean' },
  },
} as const;

const fieldRules = {
  type: 'object',
  additionalProperties: false,
  properties: { visible: {}, required: {}, readOnly: {} },
} as const;

const form = {
  type: 'object',
  required: ['name', 'object', 'tabs'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    object: name,
    label: localeText,
    tabs: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: 'object',
        required: ['id', 'sections'],
        additionalProperties: false,
        properties: {
          id: name,
          title: localeText,
          sections: {
            type: 'array',
            maxItems: 50,
            items: {
              type: 'object',
              required: ['id', 'fields'],
              additionalProperties: false,
              properties: { id: name, title: localeText, columns: { enum: [1, 2, 3, 4] }, fields: { type: 'array', items: name, maxItems: 500 } },
            },
          },
        },
      },
    },
    rules: { type: 'object', additionalProperties: fieldRules, maxProperties: 500 },
  },
} as const;

const view = {
  type: 'object',
  required: ['name', 'object', 'type'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    object: name,
    label: localeText,
    type: { enum: ['table', 'kanban', 'calendar'] },
    columns: { type: 'array', items: name, maxItems: 100 },
    filter: {},
    sort: {
      type: 'array',
      maxItems: 5,
      items: {
        type: 'object',
        required: ['field'],
        additionalProperties: false,
        properties: { field: name, direction: { enum: ['asc', 'desc'] } },
      },
    },
    groupBy: name,
    dateField: name,
    endDateField: name,
    pageSize: { type: 'integer', minimum: 1, maximum: 1000 },
  },
} as const;

const menuItem: Record<string, unknown> = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: name,
    label: localeText,
    icon: { type: 'string', maxLength: 64 },
    object: name,
    view: name,
    url: { type: 'string', maxLength: 2000, pattern: '^(https?://|/)' },
    children: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/menuItem' } },
  },
};

// Automations: one schema per part with every property any kind uses; which apply to which kind
// is checked when normalising (each problem with its path), which reads better than oneOf errors.
const trigger = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { enum: [...automationTriggerKinds] },
    timing: { enum: [...automationTimings] },
    fields: { type: 'array', items: name, minItems: 1, maxItems: 20 },
    from: {},
    to: {},
    cron: { type: 'string', maxLength: 200 },
    timeZone: { type: 'string', maxLength: 64 },
    field: name,
    offset: {
      type: 'object',
      required: ['amount', 'unit'],
      additionalProperties: false,
      properties: { amount: { type: 'integer', minimum: 0, maximum: 100_000 }, unit: { enum: [...timeUnits] } },
    },
    direction: { enum: ['before', 'after'] },
    days: { type: 'integer', minimum: 1, maximum: 3650 },
    episodeField: name,
  },
} as const;

// The operation and the sort's direction are checked by the normaliser (AUTOMATION_QUERY_INVALID, with the list of what they may be).
const aggregate = {
  type: 'object',
  additionalProperties: false,
  properties: {
    object: name,
    op: { type: 'string', maxLength: 20 },
    field: name,
    filter: {},
    sort: {
      type: 'array',
      maxItems: 5,
      items: { type: 'object', required: ['field'], additionalProperties: false, properties: { field: name, direction: { type: 'string', maxLength: 10 } } },
    },
  },
} as const;

const assignment = {
  type: 'object',
  required: ['field'],
  additionalProperties: false,
  properties: { field: name, value: {}, formula: {}, aggregate },
} as const;

const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;

const recipient = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: { kind: { enum: [...recipientKinds] }, role: name, field: name, users: { type: 'array', items: uuid, minItems: 1, maxItems: 100 } },
} as const;

const action = {
  type: 'object',
  required: ['id', 'kind'],
  additionalProperties: false,
  properties: {
    id: name,
    kind: { enum: [...automationActionKinds] },
    values: { type: 'array', items: assignment, minItems: 1, maxItems: 100 },
    message: longLocaleText,
    target: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: { kind: { enum: ['self', 'parent', 'children', 'query'] }, field: name, object: name, filter: {} },
    },
    object: name,
    to: { type: 'array', items: recipient, minItems: 1, maxItems: 20 },
    title: localeText,
    subject: localeText,
    body: longLocaleText,
    url: { type: 'string', maxLength: 2000, pattern: '^https?://' },
    secretRef: name,
    provider: { enum: [...robotProviders] },
    strategy: {
      type: 'object',
      required: ['kind'],
      additionalProperties: false,
      properties: {
        kind: { enum: ['roundRobin', 'mapping'] },
        department: uuid,
        field: name,
        map: { type: 'object', additionalProperties: uuid, maxProperties: 1000 },
        fallback: uuid,
      },
    },
    field: name,
    amount: { type: 'number', minimum: -1_000_000, maximum: 1_000_000 },
  },
} as const;

const automation = {
  type: 'object',
  required: ['name', 'object', 'trigger', 'actions'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    description: longLocaleText,
    object: name,
    enabled: { type: 'boolean' },
    trigger,
    condition: {},
    actions: { type: 'array', items: action, minItems: 1, maxItems: 50 },
    runAs: { enum: [...automationRunAs] },
    retrigger: { type: 'boolean' },
    owner: uuid,
  },
} as const;

// Record actions (buttons): steps are automation actions of a few kinds, with `when`, `as`, `dedupe`, `match`.
const { kind: _kind, ...actionProperties } = action.properties;
const recordActionStep = {
  type: 'object',
  required: ['id', 'kind'],
  additionalProperties: false,
  properties: {
    ...actionProperties,
    kind: { enum: [...recordActionStepKinds] },
    when: {},
    as: name,
    dedupe: { anyOf: [{ type: 'boolean' }, { type: 'array', items: name, minItems: 1, maxItems: 20 }] },
    match: { type: 'array', items: name, minItems: 1, maxItems: 20 },
  },
} as const;

const recordActionInputField = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name,
    label: localeText,
    type: { enum: [...recordActionInputTypes] },
    required: { type: 'boolean' },
    defaultValue: {},
    options: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        required: ['key'],
        additionalProperties: false,
        properties: { key: { type: 'string', minLength: 1, maxLength: 100 }, label: localeText },
      },
    },
  },
} as const;

const recordAction = {
  type: 'object',
  required: ['name', 'object', 'actions'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    description: longLocaleText,
    object: name,
    roles: { type: 'array', items: name, minItems: 1, maxItems: 50 },
    condition: {},
    confirm: longLocaleText,
    input: { type: 'array', items: recordActionInputField, maxItems: 20 },
    actions: { type: 'array', items: recordActionStep, minItems: 1, maxItems: 20 },
  },
} as const;

// Workflows: a BPMN diagram (read into `process` at publish by @tangram/bpmn) on one object's records.
const workflow = {
  type: 'object',
  required: ['name', 'object', 'bpmn'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    description: longLocaleText,
    object: name,
    bpmn: { type: 'string', minLength: 1, maxLength: 2_000_000 },
    statusField: name,
    statusValues: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(workflowStatuses.map((s) => [s, { type: 'string', minLength: 1, maxLength: 100 }])),
    },
    start: {
      type: 'object',
      additionalProperties: false,
      properties: { button: { type: 'boolean' }, onCreate: { type: 'boolean' }, when: {} },
    },
    enabled: { type: 'boolean' },
    // A published workflow's process (metadata read back, e.g. a rollback): ignored, read again from `bpmn`.
    process: {
      type: 'object',
      required: ['id', 'nodes', 'flows'],
      properties: {
        id: { type: 'string' },
        nodes: { type: 'array', items: {} },
        flows: { type: 'array', items: {} },
        withdrawAfterApproval: { type: 'boolean' },
      },
      additionalProperties: true,
    },
  },
} as const;

const reportDimension = {
  type: 'object',
  required: ['field'],
  additionalProperties: false,
  properties: {
    field: { type: 'string', minLength: 1, maxLength: 300 },
    bucket: { enum: ['day', 'week', 'month', 'quarter', 'year'] },
    level: { type: 'integer', minimum: 1, maximum: 20 },
    ageBands: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 100000 }, minItems: 1, maxItems: 12 },
    as: name,
    label: localeText,
  },
} as const;

const reportMeasure = {
  type: 'object',
  required: ['name', 'fn'],
  additionalProperties: false,
  properties: {
    name,
    fn: { enum: ['count', 'distinct', 'sum', 'avg', 'min', 'max', 'ratio', 'cumulative', 'change', 'stepRatio', 'share', 'rfm'] },
    field: { type: 'string', minLength: 1, maxLength: 300 },
    filter: {},
    of: { anyOf: [name, { type: 'array', items: name, minItems: 2, maxItems: 3 }] },
    compare: { enum: ['previous', 'year'] },
    from: { type: 'string', minLength: 1, maxLength: 100 },
    age: { type: 'boolean' },
    label: localeText,
    format: { enum: ['number', 'currency', 'percent'] },
  },
} as const;

const report = {
  type: 'object',
  required: ['name', 'object', 'values'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    description: longLocaleText,
    object: name,
    filter: {},
    rows: { type: 'array', items: reportDimension, maxItems: 6 },
    columns: { type: 'array', items: reportDimension, maxItems: 6 },
    values: { type: 'array', items: reportMeasure, minItems: 1, maxItems: 30 },
    sort: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        required: ['by'],
        additionalProperties: false,
        properties: { by: { type: 'string', maxLength: 300 }, direction: { enum: ['asc', 'desc'] } },
      },
    },
    top: {
      type: 'object',
      required: ['n', 'by'],
      additionalProperties: false,
      properties: { n: { type: 'integer', minimum: 1, maximum: 1000 }, by: name, others: { type: 'boolean' } },
    },
    subtotals: { anyOf: [{ type: 'boolean' }, { enum: ['rows', 'columns', 'both'] }] },
    fiscalYearStart: { type: 'integer', minimum: 1, maximum: 12 },
    limit: { type: 'integer', minimum: 1, maximum: 10000 },
    chart: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { enum: ['kpi', 'bar', 'column', 'line', 'area', 'pie', 'donut', 'funnel', 'gauge', 'map', 'table', 'pivot'] },
        stacked: { type: 'boolean' },
        target: { anyOf: [{ type: 'number' }, name] },
        compare: name,
      },
    },
    dateField: name,
    targets: {
      type: 'object',
      required: ['object', 'match', 'values'],
      additionalProperties: false,
      properties: {
        object: name,
        filter: {},
        match: { type: 'object', additionalProperties: { type: 'string', minLength: 1, maxLength: 300 }, maxProperties: 12 },
        values: { type: 'array', items: reportMeasure, minItems: 1, maxItems: 10 },
        dateField: name,
      },
    },
  },
} as const;

const dashboard = {
  type: 'object',
  required: ['name', 'widgets'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    description: longLocaleText,
    roles: { type: 'array', items: name, maxItems: 100 },
    home: { type: 'boolean' },
    filters: { type: 'array', items: { enum: ['period', 'owner', 'department'] }, uniqueItems: true },
    widgets: {
      type: 'array',
      maxItems: 40,
      items: {
        type: 'object',
        required: ['id', 'report', 'x', 'y', 'w', 'h'],
        additionalProperties: false,
        properties: {
          id: name,
          report: name,
          title: localeText,
          x: { type: 'integer', minimum: 0, maximum: 11 },
          y: { type: 'integer', minimum: 0, maximum: 1000 },
          w: { type: 'integer', minimum: 1, maximum: 12 },
          h: { type: 'integer', minimum: 1, maximum: 40 },
        },
      },
    },
  },
} as const;

/** JSON Schema (draft 2020-12 subset, as ajv reads it) of an app package / a metadata document. */
export const appSchema = {
  $id: 'https://tangram.dev/schemas/app.json',
  type: 'object',
  required: ['objects'],
  additionalProperties: false,
  properties: {
    name: name,
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$' },
    label: localeText,
    objects: { type: 'array', items: object, maxItems: 1000 },
    forms: { type: 'array', items: form, maxItems: 2000 },
    views: { type: 'array', items: view, maxItems: 5000 },
    menu: { type: 'array', items: { $ref: '#/$defs/menuItem' }, maxItems: 200 },
    automations: { type: 'array', items: automation, maxItems: 1000 },
    recordActions: { type: 'array', items: recordAction, maxItems: 1000 },
    workflows: { type: 'array', items: workflow, maxItems: 500 },
    reports: { type: 'array', items: report, maxItems: 2000 },
    dashboards: { type: 'array', items: dashboard, maxItems: 500 },
  },
  $defs: { menuItem },
} as const;
