import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every answer. The web app is scripts from this origin only;
 * antd writes inline styles ('unsafe-inline' for styles), and the metadata designer validates
 * with ajv, which compiles its validators with `new Function` ('unsafe-eval'). Nothing may frame
 * the app (clickjacking), post forms elsewhere, or load plugins.
 */
export const cspDirectives = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  scriptSrc: ["'self'", "'unsafe-eval'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
};

/** The header for a page whose one inline script is `script` (allowed by its hash, nothing else inline). */
export function cspWithInlineScript(script: string): string {
  const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
  const directives: Record<string, string[]> = { ...cspDirectives, scriptSrc: [...cspDirectives.scriptSrc, hash] };
  return Object.entries(directives)
    .map(([name, values]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${values.join(' ')}`)
    .join('; ');
}

/** The headers helmet sets with these options, worked out once (they depend on nothing in the request). */
function helmetHeaders(secure: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives },
    strictTransportSecurity: secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  })({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

/**
 * Security headers on every answer (the web app, the API, the docs, errors): CSP, no framing,
 * nosniff, no referrer across origins, same-origin opener and resources. HSTS only when served
 * over HTTPS (`secure`); requests are not upgraded, so plain-HTTP intranet installs keep working.
 * helmet works them out once at start: @fastify/helmet built a new helmet middleware on every
 * request, a quarter of the CPU a get-by-id costs. A route may still set its own CSP (the docs page).
 */
export async function registerSecurityHeaders(app: FastifyInstance, secure: boolean): Promise<void> {
  const headers = helmetHeaders(secure);
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
