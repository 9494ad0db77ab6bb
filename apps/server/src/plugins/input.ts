import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, type ErrorCode, catalogue } from '@tangram/errors';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';

const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1').replaceAll('\u0000', '\\u0000');

type Place = { path: string; field?: string };

/**
 * The first place in a parsed value where `bad` holds for a leaf or for a property name, as a
 * JSON pointer and the field (the nearest property name; array items take their list's).
 */
function findPlace(value: unknown, bad: (leaf: unknown) => boolean, path: string, field?: string): Place | undefined {
  if (!value || typeof value !== 'object') return bad(value) ? { path, ...(field !== undefined ? { field } : {}) } : undefined;
  for (const [key, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const at = `${path}/${pointer(String(key))}`;
    if (typeof key === 'string' && bad(key)) return { path: at, field: pointer(key) };
    const found = findPlace(v, bad, at, Array.isArray(value) ? field : String(key));
    if (found) return found;
  }
  return undefined;
}

const hasNul = (x: unknown) => typeof x === 'string' && x.includes('\u0000');

/** The first place a NUL character hides in a parsed value (a string or a property name). */
export function findNul(value: unknown, path: string): Place | undefined {
  return findPlace(value, hasNul, path);
}

/**
 * NUL characters cannot be stored (PostgreSQL text refuses them) and are never meaningful in
 * this API: any route parameter, query value, JSON string or property name holding one is
 * refused with 400 VALIDATION_FAILED naming where, before any route sees it.
 */
export function registerInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', (req, _reply, done) => {
    // Only where one can be: a URL with %00 (route parameters and query values come from it) and
    // a body not already found clean by the JSON parser (whose text then had no \u0000 escape).
    const url = req.raw.url ?? '';
    const parts: [string, unknown][] =
      url.includes('%00') || url.includes('\u0000')
        ? [
            ['params', req.params],
            ['querystring', req.query],
          ]
        : [];
    if (req.body !== undefined && !cleanJson.has(req.raw)) parts.push(['body', req.body]);
    for (const [part, value] of parts) {
      const found = findNul(value, `/${part}`);
      if (found)
        return done(
          AppError.problems('VALIDATION_FAILED', [
            {
              code: 'VALIDATION_FAILED',
              path: found.path,
              ...(found.field !== undefined ? { field: found.field } : {}),
              message: 'must not contain a NUL character',
            },
          ]),
        );
    }
    done();
  });
}

/** Requests whose JSON body text has no `\u0000` escape: their parsed body cannot hold a NUL. */
const cleanJson = new WeakSet<object>();

/** JSON strings (skipped, escapes included) and number literals, in the order they appear. */
const jsonToken = /"(?:[^"\\]|\\.)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const maxSignificantDigits = 15;

/** Significant digits of a number literal as written (8266757771117089281 has 19, 1.50e3 has 2). */
function literalDigits(literal: string): number {
  const mantissa = literal.replace(/^-/, '').split(/[eE]/)[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/**
 * Number literals of a JSON text that a double cannot carry exactly (more than 15 significant
 * digits, ADR 0002). Once parsed, 8266757771117089281 reads as 8266757771117090000 and looks
 * harmless: only the text tells. Quick when no run of 16 digits is there at all.
 */
export function overlongNumbers(text: string): string[] {
  if (!/[0-9.]{16,}/.test(text)) return [];
  const found: string[] = [];
  for (const [token] of text.matchAll(jsonToken)) if (token[0] !== '"' && literalDigits(token) > maxSignificantDigits) found.push(token);
  return found;
}

/**
 * JSON bodies are parsed by fastify's own parser (prototype-poisoning checks included), then
 * refused with 400 VALIDATION_FAILED on the value's field when a number in the text has more
 * digits than a double keeps: nothing a user sent is rounded on the way in.
 */
export function registerJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'ignore');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, raw, done) => {
    const body = String(raw);
    parse(req, body, (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      if (!/\\u0000/.test(body)) cleanJson.add(req.raw);
      const [literal] = overlongNumbers(body);
      if (literal === undefined) return done(null, value);
      const wanted = Number(literal);
      const at = findPlace(value, (x) => x === wanted, '/body') ?? { path: '/body' };
      done(
        AppError.problems('VALIDATION_FAILED', [
          {
            code: 'VALIDATION_FAILED',
            ...at,
            message: `${literal.slice(0, 40)} has more than ${maxSignificantDigits} significant digits: a JSON number keeps no more exactly (send fewer digits)`,
          },
        ]),
      );
    });
  });
}

/**
 * Requests node refuses before fastify sees them (headers too large, too slow, malformed)
 * answer with a catalogue error body like every other error.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, details]: [ErrorCode, Record<string, unknown>] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['HEADERS_TOO_LARGE', {}]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['REQUEST_TIMEOUT', {}]
        : ['VALIDATION_FAILED', { problems: [{ code: 'VALIDATION_FAILED', path: '/request', message: 'not a valid HTTP request' }] }];
  const { status, message } = catalogue[code];
  const body = JSON.stringify({ error: { code, message, details, requestId: uuidv7() } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
