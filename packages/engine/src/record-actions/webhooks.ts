import type { AutomationAction } from '@tangram/metadata';
import type { EventBody } from '../automations/actions';
import { runHttpAction } from '../automations/actions';
import type { OutboundOptions } from '../automations/runtime';
import type { Db } from '../db/database';
import type { Jobs } from '../jobs/jobs';
import type { Job } from '../jobs/types';

// A record action's webhook steps: the call cannot be part of the action's transaction, so each
// is a durable job enqueued in it — it exists exactly when the action's writes commit — and sent
// after, with retries and one Idempotency-Key (engines.md: effects once).

export const webhookQueue = 'record-actions.webhook';

/** What a webhook step sends (its body), and where. */
export interface WebhookPayload {
  tenant: string;
  url: string;
  secretRef?: string;
  key: string;
  /** A group robot's message instead of the webhook body (a workflow's service task): `{field}` filled from `body.record`. */
  robot?: { provider: string; message: unknown };
  body: {
    action: string;
    step: string;
    object: string;
    recordId: string;
    record: Record<string, unknown>;
    created: Record<string, string | null>;
    input: Record<string, unknown>;
  };
}

/** Registers the webhook queue on the engine's jobs; `enqueue` is what an action's steps call in their transaction. */
export class RecordActionWebhooks {
  constructor(
    private readonly jobs: Jobs,
    private readonly outbound: OutboundOptions | undefined,
  ) {
    jobs.register<WebhookPayload>(webhookQueue, (job, ctx) => this.send(job, ctx.signal));
  }

  async enqueue(trx: Db, tenantId: string, payload: WebhookPayload): Promise<void> {
    await this.jobs.enqueue(trx, { queue: webhookQueue, tenantId, key: payload.key, payload, maxAttempts: 5, backoffMs: 10_000 });
  }

  /** After the action's transaction committed: the worker picks the jobs up now. */
  wake(): void {
    this.jobs.wake();
  }

  private async send(job: Job<WebhookPayload>, signal: AbortSignal): Promise<unknown> {
    const p = job.payload;
    const { secrets = {}, ...policy } = this.outbound ?? {};
    const step = {
      id: p.body.step,
      kind: p.robot ? 'robot' : 'webhook',
      url: p.url,
      ...(p.robot ? { provider: p.robot.provider, message: p.robot.message } : {}),
      ...(p.secretRef ? { secretRef: p.secretRef } : {}),
    } as AutomationAction;
    return runHttpAction(step, p.body as unknown as EventBody, `${p.tenant}:${p.key}`, { policy, secrets, now: this.jobs.clock.now(), signal });
  }
}
