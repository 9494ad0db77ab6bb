import { type ApprovalActionInput, type ApprovalBulkInput, type ApprovalSubmitInput, type InboxBox, approvalActionKinds, inboxBoxes } from '@tangram/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { named, route } from '../openapi/declare';
import { LocaleText, dateTime, idParams, nullable, recordParams, tenantParams, uuid } from '../openapi/schemas';
import { actionContext, tenantOf } from '../plugins/tenant';

// Workflows and approvals (issue 15): the workflows a member may start, 提交审批 on a record, an
// instance with the caller's possible actions, acting on it, the inbox (待办 / 已办 / 我发起的 /
// 抄送我) with its counts, and bulk approval. Rights are the engine's (packages/engine/src/workflows/service.ts).

const tags = ['approvals'];
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const instanceStatus = { type: 'string', enum: ['running', 'returned', 'approved', 'rejected', 'withdrawn'] } as const;

const ApprovalUser = named('ApprovalUser', { type: 'object', required: ['id', 'name'], properties: { id: uuid, name: str } });
const NodeRef = { type: 'object', required: ['node', 'name'], properties: { node: str, name: str } } as const;

const ApprovalCan = named('ApprovalCan', {
  type: 'object',
  description: 'What the caller may do on the instance now',
  required: ['approve', 'reject', 'return', 'returnTo', 'addSigner', 'transfer', 'withdraw', 'resubmit', 'remind', 'cc', 'comment', 'editable'],
  properties: {
    approve: bool,
    reject: bool,
    return: bool,
    returnTo: { type: 'array', items: NodeRef, description: 'Steps 退回 may go back to' },
    addSigner: bool,
    transfer: bool,
    withdraw: bool,
    resubmit: bool,
    remind: bool,
    cc: bool,
    comment: bool,
    myTask: { type: 'string', description: 'The caller’s open task (approval, or resubmission)' },
    editable: { type: 'array', items: str, description: 'Record fields the caller’s step lets them edit (as `values` with approve)' },
    chooseNext: { ...NodeRef, description: 'Approving opens this step, whose approvers the caller chooses: send them as `next` with approve' },
  },
});

const summaryProperties = {
  id: uuid,
  workflow: str,
  label: LocaleText,
  object: str,
  recordId: uuid,
  recordTitle: { ...nullable(str), description: 'Null where the caller may not read the title field' },
  submitter: ApprovalUser,
  status: instanceStatus,
  createdAt: dateTime,
  updatedAt: dateTime,
  current: { type: 'array', items: NodeRef, description: 'Nodes with an open task or a timer' },
  can: ApprovalCan,
};
const summaryRequired = ['id', 'workflow', 'label', 'object', 'recordId', 'recordTitle', 'submitter', 'status', 'createdAt', 'updatedAt', 'current', 'can'];

const ApprovalSummary = named('ApprovalSummary', { type: 'object', required: summaryRequired, properties: summaryProperties });

const ApprovalTask = named('ApprovalTask', {
  type: 'object',
  required: ['id', 'node', 'nodeName', 'assignee', 'status', 'kind', 'order', 'createdAt', 'decidedAt'],
  properties: {
    id: str,
    node: str,
    nodeName: str,
    assignee: ApprovalUser,
    status: { type: 'string', enum: ['open', 'waiting', 'approved', 'rejected', 'returned', 'transferred', 'cancelled'] },
    kind: { type: 'string', enum: ['approve', 'resubmit'] },
    order: { type: 'integer' },
    createdAt: dateTime,
    decidedAt: nullable(dateTime),
  },
});

const ApprovalHistoryEntry = named('ApprovalHistoryEntry', {
  type: 'object',
  required: ['at', 'by', 'what'],
  properties: {
    at: dateTime,
    by: nullable(ApprovalUser),
    what: {
      type: 'string',
      description:
        'submitted, approved, rejected, passed, failed, returned, transferred, added a signer before|after, copied, commented, reminded, withdrawn, resubmitted, timeout: …',
    },
    node: str,
    nodeName: str,
    task: str,
    to: { type: 'string', description: 'The step returned to, the member handed to or added, or the members copied (comma-separated)' },
    comment: str,
    files: { type: 'array', items: str, description: 'Files (ids) attached to the entry' },
  },
});

const ApprovalInstance = named('ApprovalInstance', {
  type: 'object',
  required: [...summaryRequired, 'bpmn', 'tasks', 'history'],
  properties: {
    ...summaryProperties,
    bpmn: { type: 'string', description: 'The diagram (BPMN XML) of the version the instance runs' },
    tasks: { type: 'array', items: ApprovalTask },
    history: { type: 'array', items: ApprovalHistoryEntry },
  },
});

const ApprovalInboxItem = named('ApprovalInboxItem', {
  type: 'object',
  required: ['instance', 'workflow', 'label', 'object', 'recordId', 'recordTitle', 'status', 'submitter', 'at'],
  properties: {
    instance: uuid,
    task: str,
    workflow: str,
    label: LocaleText,
    object: str,
    recordId: uuid,
    recordTitle: nullable(str),
    node: str,
    nodeName: str,
    status: { type: 'string', description: 'The task’s status (待办, 已办) or the instance’s (我发起的, 抄送我)' },
    submitter: ApprovalUser,
    at: { ...dateTime, description: 'When the task opened (待办), was decided (已办), the instance was submitted (我发起的), or the copy came (抄送我)' },
    unread: { type: 'boolean', description: '抄送我: not read yet' },
  },
});

const WorkflowStart = named('WorkflowStart', {
  type: 'object',
  required: ['name', 'label', 'object', 'start'],
  properties: { name: str, label: LocaleText, object: str, start: { type: 'object', required: ['button'], properties: { button: bool } } },
});

const taskRef = { type: 'string', minLength: 1, maxLength: 64 } as const;
const comment = { type: 'string', maxLength: 4000 } as const;
const memberIds = { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 64 } } as const;
const next = {
  ...memberIds,
  description: 'The next step’s approvers, where the process lets the one acting choose them (发起人自选 / chosen by the approver)',
} as const;
const files = {
  type: 'array',
  maxItems: 20,
  items: { type: 'string', maxLength: 64 },
  description: 'Files uploaded by the caller, attached to the history entry',
} as const;

type Req<P = Record<string, string>, B = unknown, Q = unknown> = FastifyRequest<{ Params: P; Body: B; Querystring: Q }>;

/** Approvals: workflows to start, submitting, instances, actions, inbox, counts, bulk. */
export async function approvalRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/workflows',
    {
      schema: route({
        operationId: 'listWorkflows',
        summary: 'The enabled workflows on objects the caller can read',
        tags,
        params: tenantParams,
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: WorkflowStart } } } },
      }),
    },
    async (req) => ({ items: await (await tenantOf(req)).workflows.list(actionContext(req)) }),
  );

  app.post(
    '/records/:object/:id/approvals',
    {
      schema: route({
        operationId: 'submitApproval',
        summary: '提交审批: start a workflow on a record (the caller must be able to update it)',
        tags,
        params: recordParams,
        body: {
          type: 'object',
          required: ['workflow'],
          additionalProperties: false,
          properties: { workflow: { type: 'string', minLength: 1, maxLength: 100 }, comment, next, files },
        },
        response: { 201: ApprovalInstance },
      }),
    },
    async (req: Req<{ object: string; id: string }, ApprovalSubmitInput>, reply) => {
      const t = await tenantOf(req);
      const out = await t.workflows.submit(req.params.object, req.params.id, req.body, actionContext(req));
      return reply.status(201).send(out);
    },
  );

  app.get(
    '/records/:object/:id/approvals',
    {
      schema: route({
        operationId: 'listRecordApprovals',
        summary: 'The approvals of a record, newest first (the caller reads the record)',
        tags,
        params: recordParams,
        response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: ApprovalSummary } } } },
      }),
    },
    async (req: Req<{ object: string; id: string }>) => ({
      items: await (await tenantOf(req)).workflows.forRecord(req.params.object, req.params.id, actionContext(req)),
    }),
  );

  app.get(
    '/approvals/inbox',
    {
      schema: route({
        operationId: 'approvalInbox',
        summary: 'The caller’s 待办 (todo), 已办 (done), 我发起的 (mine) or 抄送我 (cc), newest first, in pages',
        tags,
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['box'],
          properties: {
            box: { type: 'string', enum: [...inboxBoxes] },
            limit: { type: 'integer', minimum: 1, maximum: 100 },
            cursor: { type: 'string', maxLength: 4096, description: 'The nextCursor of the previous page' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: ApprovalInboxItem }, nextCursor: { type: 'string', description: 'Present when there may be more' } },
          },
        },
      }),
    },
    async (req: Req<Record<string, string>, unknown, { box: InboxBox; limit?: number; cursor?: string }>) => {
      const q = req.query;
      return (await tenantOf(req)).workflows.inbox(
        q.box,
        { ...(q.limit ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) },
        actionContext(req),
      );
    },
  );

  app.get(
    '/approvals/counts',
    {
      schema: route({
        operationId: 'approvalCounts',
        summary: 'The caller’s open tasks (待办) and unread copies (抄送我)',
        tags,
        params: tenantParams,
        response: { 200: { type: 'object', required: ['todo', 'cc'], properties: { todo: { type: 'integer' }, cc: { type: 'integer' } } } },
      }),
    },
    async (req) => (await tenantOf(req)).workflows.counts(actionContext(req)),
  );

  app.post(
    '/approvals/bulk',
    {
      schema: route({
        operationId: 'bulkApprove',
        summary: 'Approve or reject several tasks, each checked as a single action; the others go on when one is refused',
        tags,
        params: tenantParams,
        body: {
          type: 'object',
          required: ['kind', 'items'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['approve', 'reject'] },
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: {
                type: 'object',
                required: ['instance', 'task'],
                additionalProperties: false,
                properties: { instance: { type: 'string', maxLength: 64 }, task: taskRef },
              },
            },
            comment,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['results'],
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['instance', 'task', 'ok'],
                  properties: {
                    instance: str,
                    task: str,
                    ok: bool,
                    error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str } },
                  },
                },
              },
            },
          },
        },
      }),
    },
    async (req: Req<Record<string, string>, ApprovalBulkInput>) => ({ results: await (await tenantOf(req)).workflows.bulk(req.body, actionContext(req)) }),
  );

  app.get(
    '/approvals/:id',
    {
      schema: route({
        operationId: 'getApproval',
        summary: 'An approval instance: its steps, tasks, history and what the caller may do (reading it marks a copy to the caller read)',
        tags,
        params: idParams,
        response: { 200: ApprovalInstance },
      }),
    },
    async (req: Req<{ id: string }>) => (await tenantOf(req)).workflows.get(req.params.id, actionContext(req)),
  );

  app.post(
    '/approvals/:id/actions',
    {
      schema: route({
        operationId: 'actOnApproval',
        summary: 'Approve, reject, 退回, 加签, 转交, 撤回, resubmit, 催办, 抄送 or comment',
        tags,
        params: idParams,
        body: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...approvalActionKinds] },
            task: { ...taskRef, description: 'The caller’s task (default: their open one)' },
            comment,
            to: { type: 'string', maxLength: 100, description: '退回: the step (node id); 转交: the member (user id)' },
            signer: { type: 'string', maxLength: 64, description: '加签: the member added' },
            position: { type: 'string', enum: ['before', 'after'] },
            users: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 64 }, description: '抄送: the members copied' },
            values: { type: 'object', additionalProperties: true, description: 'Record fields the caller’s step lets them edit, written with the approval' },
            next,
            files,
          },
        },
        response: { 200: ApprovalInstance },
      }),
    },
    async (req: Req<{ id: string }, ApprovalActionInput>) => (await tenantOf(req)).workflows.act(req.params.id, req.body, actionContext(req)),
  );
}
