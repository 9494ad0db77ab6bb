import { AppError } from '@tangram/errors';
import type { ActionContext, TenantEngine } from '@tangram/engine';
import type { FastifyRequest } from 'fastify';

/** The tenant the request was bound to by the auth hook. */
export async function tenantOf(req: FastifyRequest): Promise<TenantEngine> {
  if (!req.tenantEngine) throw new AppError('UNAUTHENTICATED', {});
  return req.tenantEngine;
}

export function actionContext(req: FastifyRequest): ActionContext {
  return { actor: req.actor ?? null, requestId: String(req.id), ...(req.access ? { access: req.access } : {}) };
}
