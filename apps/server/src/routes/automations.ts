import type { FastifyInstance } from 'fastify';
import { route } from '../openapi/declare';
import { requireDesigner, requireTenantAdmin } from '../plugins/auth';
import { actionContext, tenantOf } from '../plugins/tenant';

type RunParams = { id: string; runId: string };

const ActionResult = {
  type: 'object',
  required: ['id', 'kind', 'status'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['done', 'failed', 'skipped'] },
    already: { type: 'boolean', description: 'an earlier attempt made the effect; this one left it alone' },
    result: {},
    error: { type: 'string' },
  },
} as const;

const AutomationRun = {
  type: 'object',
  required: ['id', 'automation', 'eventId', 'object', 'recordId', 'depth', 'status', 'actions', 'error', 'jobId', 'startedAt', 'finishedAt'],
  properties: {
    id: { type: 'integer' },
    automation: { type: 'string' },
    eventId: { type: 'integer' },
    object: { type: 'string', description: 'the object id' },
    recordId: { type: 'string' },
    depth: { type: 'integer', description: '1 for a run caused by a person’s change; one more per automation in a chain' },
    status: { type: 'string', enum: ['running', 'succeeded', 'failed', 'skipped'] },
    actions: { type: 'array', items: ActionResult },
    error: { type: ['string', 'null'] },
    jobId: { type: ['integer', 'null'] },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const anyValue = { description: 'any JSON value' } as const;
const DryRunAction = {
  type: 'object',
  required: ['id', 'kind', 'status'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    status: { type: 'string', enum: ['would', 'skipped', 'failed'], description: 'would: it would act as described; failed: it would fail with `error`' },
    updates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object', 'id', 'changes'],
        properties: {
          object: { type: 'string' },
          id: { type: 'string' },
          changes: {
            type: 'array',
            items: { type: 'object', required: ['field', 'before', 'after'], properties: { field: { type: 'string' }, before: anyValue, after: anyValue } },
          },
        },
      },
    },
    creates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object', 'values'],
        properties: { object: { type: 'string' }, values: { type: 'object', additionalProperties: true } },
      },
    },
    recipients: {
      type: 'array',
      items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    },
    title: { type: 'string' },
    body: { type: ['string', 'null'] },
    send: {
      type: 'object',
      required: ['url', 'body', 'signed'],
      description: 'where a webhook or robot would send, and what (nothing is sent)',
      properties: { url: { type: 'string' }, body: anyValue, signed: { type: 'boolean' } },
    },
    refuse: { type: 'string' },
    note: { type: 'string' },
    error: { type: 'string' },
  },
} as const;

const DryRunResult = {
  type: 'object',
  required: ['automation', 'object', 'recordId', 'now', 'trigger', 'condition', 'wouldRun', 'actions'],
  properties: {
    automation: { type: 'string' },
    object: { type: 'string' },
    recordId: { type: 'string' },
    now: { type: 'string', format: 'date-time' },
    trigger: {
      type: 'object',
      required: ['kind', 'applies', 'reason'],
      properties: {
        kind: { type: 'string' },
        applies: { type: 'boolean' },
        reason: { type: 'string', enum: ['onWrite', 'valueMatches', 'valueDiffers', 'inactive', 'active', 'due', 'notDue', 'noDate', 'onSchedule'] },
        at: { type: 'string', format: 'date-time' },
      },
    },
    condition: { type: 'object', required: ['holds'], properties: { holds: { type: 'boolean' }, error: { type: 'string' } } },
    wouldRun: { type: 'boolean' },
    actions: { type: 'array', items: DryRunAction },
  },
} as const;

/** The run log of after-commit automations (tenant admins): list runs, retry a failed one from its failed action. */
export async function automationRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['automations'];
  const params = { type: 'object', required: ['tenant', 'id'], properties: { tenant: { type: 'string' }, id: { type: 'string' } } } as const;
  const runParams = {
    type: 'object',
    required: ['tenant', 'id', 'runId'],
    properties: { tenant: { type: 'string' }, id: { type: 'string' }, runId: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
  } as const;

  app.post(
    '/automations/dry-run',
    {
      schema: route({
        operationId: 'dryRunAutomation',
        summary: 'What an automation would do to a record now — nothing is written or sent (designers)',
        tags,
        params: { type: 'object', required: ['tenant'], properties: { tenant: { type: 'string' } } },
        body: {
          type: 'object',
          required: ['recordId'],
          additionalProperties: false,
          properties: {
            automation: { type: 'object', additionalProperties: true, description: 'the definition being designed (as in metadata `automations`)' },
            id: { type: 'string', maxLength: 63, description: 'or a published automation’s id' },
            recordId: { type: 'string', maxLength: 100 },
          },
        },
        responses: { 200: { description: 'The dry run', schema: DryRunResult } },
      }),
    },
    async (req) => {
      requireDesigner(req);
      const body = req.body as { automation?: unknown; id?: string; recordId: string };
      return (await tenantOf(req)).automations.dryRun(body, actionContext(req));
    },
  );

  app.get(
    '/automations/:id/runs',
    {
      schema: route({
        operationId: 'listAutomationRuns',
        summary: 'An automation’s runs, newest first (tenant admins)',
        tags,
        params,
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            before: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'the last run id seen' },
          },
        },
        responses: {
          200: { description: 'Runs', schema: { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: AutomationRun } } } },
        },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      const q = req.query as { limit?: number; before?: number };
      return { runs: await (await tenantOf(req)).automations.runs((req.params as RunParams).id, q) };
    },
  );

  app.post(
    '/automations/:id/runs/:runId/retry',
    {
      schema: route({
        operationId: 'retryAutomationRun',
        summary: 'Run a failed run again from its failed action (tenant admins)',
        tags,
        params: runParams,
        responses: { 202: { description: 'The run, queued again', schema: AutomationRun } },
      }),
    },
    async (req, reply) => {
      requireTenantAdmin(req);
      const p = req.params as RunParams;
      const run = await (await tenantOf(req)).automations.retry(p.id, Number(p.runId));
      return reply.code(202).send(run);
    },
  );
}
