import createClient from 'openapi-fetch';
import { csrfHeaders, errorFrom } from './http';
import type { paths } from './schema';

/**
 * The one API client (openapi-fetch over the generated `schema.d.ts`): same-origin cookies, the
 * session's CSRF token on writes, arrays in query strings as `a,b` (as the server reads them).
 */
export const client = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  querySerializer: { array: { style: 'form', explode: false } },
});

client.use({
  onRequest({ request }) {
    if (request.method === 'GET') return;
    for (const [name, value] of Object.entries(csrfHeaders())) request.headers.set(name, value);
    return request;
  },
});

/** The answer's data, or an ApiError for any non-2xx answer (`{ error: { code, message, details } }`). */
export async function unwrap<D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await call;
  if (!response.ok) throw errorFrom(response.status, error, response.statusText);
  return data as D;
}
