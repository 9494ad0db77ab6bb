import { catalogue, type ErrorCode } from '@tangram/errors';

export type { ErrorCode };

/** Whether a code is one of the catalogue's (`@tangram/errors`), i.e. one this build of the app knows. */
export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(catalogue, code);

/** A code as this app knows it: an unknown one (from an older or newer server) is 'INTERNAL'. */
const knownCode = (code: unknown): ErrorCode => (isErrorCode(code) ? code : 'INTERNAL');

/** One server problem: a field (record validation) or a JSON pointer (metadata), with its message. */
export interface Problem {
  code: ErrorCode;
  /** The code as the server sent it (differs from `code` only when this app does not know it). */
  rawCode?: string;
  field?: string;
  path?: string;
  message: string;
}

/** An API error, as every route answers: `{ error: { code, message, details, requestId } }`. */
export class ApiError extends Error {
  /** The catalogue's code; 'INTERNAL' when the server sent one this app does not know (see `rawCode`). */
  readonly code: ErrorCode;
  constructor(
    readonly status: number,
    readonly rawCode: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.code = knownCode(rawCode);
  }
  get problems(): Problem[] {
    const p = this.details.problems;
    if (!Array.isArray(p)) return [];
    return (p as Record<string, unknown>[]).map((x) => ({ ...x, code: knownCode(x.code), rawCode: String(x.code), message: String(x.message ?? '') }));
  }
}

let csrfToken: string | null = null;

/** Cookie-authenticated writes must echo the session's CSRF token (see docs/reference/api.md). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The header a cookie-authenticated write must carry (for requests not made through `client`, such as uploads and streams). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** The ApiError of a failed response's body (`{ error: { code, message, details } }`), whatever its shape. */
export function errorFrom(status: number, json: unknown, fallback: string): ApiError {
  const err = (json as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const details = err?.details;
  return new ApiError(
    status,
    typeof err?.code === 'string' ? err.code : 'INTERNAL',
    typeof err?.message === 'string' ? err.message : fallback,
    details && typeof details === 'object' ? (details as Record<string, unknown>) : {},
  );
}

/** A readable line for an error: the server's message plus its first problems. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const details = e.problems
      .slice(0, 3)
      .map((p) => `${p.field ?? p.path ?? ''} ${p.message}`.trim())
      .join('; ');
    return details ? `${e.message} (${details})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
