import { AppError, type ErrorCode, catalogue, isAppError } from '@tangram/errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown>; requestId: string };
}

function body(req: FastifyRequest, e: AppError): ErrorBody {
  return { error: { code: e.code, message: e.message, details: e.details, requestId: String(req.id) } };
}

/** Fastify's own errors (schema validation, bad JSON, size limits) as catalogue errors. */
function fromFastify(e: FastifyError): AppError | undefined {
  if (e.validation) {
    // The route schemas' ajv errors, named by place (`/querystring/limit`) and by field.
    const problems = e.validation.map((v) => {
      const params = v.params as { additionalProperty?: string; missingProperty?: string };
      const field =
        params.missingProperty ??
        params.additionalProperty ??
        v.instancePath
          .split('/')
          .filter((p) => p && !/^\d+$/.test(p))
          .pop();
      return {
        code: 'VALIDATION_FAILED' as const,
        path: `/${e.validationContext ?? 'body'}${v.instancePath}`,
        ...(field !== undefined ? { field: field.replaceAll('~1', '/').replaceAll('~0', '~') } : {}),
        message: v.message ?? 'invalid',
        ...(v.keyword === 'additionalProperties' ? { property: params.additionalProperty } : {}),
      };
    });
    return AppError.problems('VALIDATION_FAILED', problems);
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('BODY_TOO_LARGE');
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError)
    return new AppError('VALIDATION_FAILED', { problems: [{ code: 'VALIDATION_FAILED', path: '/body', message: 'the body is not valid JSON' }] });
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new AppError('VALIDATION_FAILED', { problems: [{ code: 'VALIDATION_FAILED', path: '/body', message: e.message }] });
  if (e.statusCode === 429) return new AppError('RATE_LIMITED');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return new AppError('VALIDATION_FAILED', { problems: [{ code: 'VALIDATION_FAILED', message: e.message }] });
  return undefined;
}

/** The body an error leaves with (for responses already under way, such as a progress stream). */
export function errorBody(req: FastifyRequest, err: unknown): ErrorBody {
  const e = isAppError(err) ? err : err && typeof err === 'object' && 'statusCode' in err ? fromFastify(err as FastifyError) : undefined;
  if (e) return body(req, e);
  req.log.error({ err }, 'unhandled error');
  return body(req, new AppError('INTERNAL'));
}

/**
 * The one error handler: every error leaves as `{ error: { code, message, details, requestId } }`
 * with the catalogue's status. Anything unexpected is logged with its stack and answered as
 * INTERNAL without internals.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const e = isAppError(err) ? err : fromFastify(err);
    if (e) {
      if (e.status >= 500) req.log.warn({ code: e.code }, e.message);
      return reply.status(e.status).send(body(req, e));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(body(req, new AppError('INTERNAL')));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new AppError('ROUTE_NOT_FOUND', { method: req.method, url: req.url.slice(0, 200) });
    return reply.status(catalogue.ROUTE_NOT_FOUND.status).send(body(req, e));
  });
}
