import { AppError } from '@tangram/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { named, route } from '../openapi/declare';
import { LocaleText, recordParams } from '../openapi/schemas';
import { actionContext, tenantOf } from '../plugins/tenant';

const tags = ['records'];
const str = { type: 'string' } as const;

const RecordActionInputField = named('RecordActionInputField', {
  type: 'object',
  required: ['name', 'label', 'type', 'required'],
  properties: {
    name: str,
    label: LocaleText,
    type: { type: 'string', enum: ['text', 'textarea', 'integer', 'decimal', 'currency', 'boolean', 'date', 'select'] },
    required: { type: 'boolean' },
    defaultValue: {},
    options: { type: 'array', items: { type: 'object', required: ['key', 'label'], properties: { key: str, label: LocaleText } } },
  },
});

const RecordActionView = named('RecordActionView', {
  type: 'object',
  required: ['name', 'label', 'input'],
  properties: {
    name: str,
    label: LocaleText,
    description: LocaleText,
    confirm: { ...LocaleText, description: 'Asked before running' },
    input: { type: 'array', items: RecordActionInputField },
  },
});

const RecordActionResult = named('RecordActionResult', {
  type: 'object',
  required: ['action', 'object', 'id', 'created', 'updated', 'notified', 'skipped', 'queued'],
  properties: {
    action: str,
    object: str,
    id: str,
    created: {
      type: 'array',
      description: 'Records the steps created, or found and reused (查重: `reused`)',
      items: {
        type: 'object',
        required: ['step', 'object', 'id', 'reused'],
        properties: { step: str, as: str, object: str, id: str, reused: { type: 'boolean' } },
      },
    },
    updated: { type: 'array', items: { type: 'object', required: ['step', 'object', 'id'], properties: { step: str, object: str, id: str } } },
    notified: { type: 'integer' },
    skipped: { type: 'array', items: str, description: 'Steps whose `when` was false' },
    queued: { type: 'array', items: str, description: 'Webhook steps queued: sent once the action committed (retried with one Idempotency-Key)' },
    replayed: { type: 'boolean', description: 'A request with the same Idempotency-Key ran it first; this is its result' },
  },
});

type ActionReq = FastifyRequest<{ Params: { tenant: string; object: string; id: string; action: string }; Body: { input?: unknown } | undefined }>;

/** `Idempotency-Key`: a repeat of a request answers the first one's result. */
function idempotencyKey(req: FastifyRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = String(raw);
  if (!key || key.length > 200)
    throw new AppError('VALIDATION_FAILED', {
      problems: [{ code: 'VALIDATION_FAILED', path: '/headers/idempotency-key', message: 'must be 1 to 200 characters' }],
    });
  return key;
}

/** Record actions (buttons, e.g. 线索转换): the ones the caller may run on a record, and running one. */
export async function recordActionRoutes(app: FastifyInstance): Promise<void> {
  const base = '/objects/:object/records/:id/actions';

  app.get(
    base,
    {
      schema: route({
        operationId: 'listRecordActions',
        summary: 'The actions (buttons) the caller may run on a record now',
        tags,
        params: recordParams,
        response: { 200: { type: 'object', required: ['actions'], properties: { actions: { type: 'array', items: RecordActionView } } } },
      }),
    },
    async (req: ActionReq) => {
      const t = await tenantOf(req);
      return { actions: await t.actions.available(req.params.object, req.params.id, actionContext(req)) };
    },
  );

  app.post(
    `${base}/:action`,
    {
      schema: route({
        operationId: 'runRecordAction',
        summary: 'Run an action (button) on a record: all its steps in one transaction, as the caller',
        tags,
        params: { type: 'object', required: ['tenant', 'object', 'id', 'action'], properties: { tenant: str, object: str, id: str, action: str } },
        headerParams: [
          {
            name: 'Idempotency-Key',
            required: false,
            description: 'A repeat with the same key answers the first run’s result',
            schema: { type: 'string', maxLength: 200 },
          },
        ],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { input: { type: 'object', additionalProperties: true, description: 'The values of the action’s input form' } },
        },
        response: { 200: RecordActionResult },
      }),
    },
    async (req: ActionReq) => {
      const t = await tenantOf(req);
      const p = req.params;
      return t.actions.run(p.object, p.id, p.action, req.body ?? {}, actionContext(req), { idempotencyKey: idempotencyKey(req) });
    },
  );
}
