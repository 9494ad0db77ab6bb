/** One server problem: a field (record validation) or a JSON pointer (metadata), with its message. */
export interface Problem {
  code: string;
  field?: string;
  path?: string;
  message: string;
}

/** An API error, as every route answers: `{ error: { code, message, details, requestId } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  get problems(): Problem[] {
    const p = this.details.problems;
    return Array.isArray(p) ? (p as Problem[]) : [];
  }
}

let csrfToken: string | null = null;

/** Cookie-authenticated writes must echo the session's CSRF token (see docs/reference/api.md). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The header a cookie-authenticated write must carry (for requests not made through `api`, such as uploads and streams). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** The ApiError of a failed response's body (`{ error: { code, message, details } }`), whatever its shape. */
export function errorFrom(status: number, json: unknown, fallback: string): ApiError {
  const err = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  return new ApiError(status, err?.code ?? 'INTERNAL', err?.message ?? fallback, err?.details ?? {});
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the API; throws ApiError on any non-2xx answer. */
export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw errorFrom(res.status, json, res.statusText);
  return json as T;
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
