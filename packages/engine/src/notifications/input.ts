import { AppError, type Problem } from '@tangram/errors';
import type { NotificationLink, NotificationSource, NotifyInput } from './types';

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const kindPattern = /^[a-z][a-z0-9_.-]{0,63}$/;
const objectPattern = /^[a-z][a-z0-9_]{0,62}$/;
/** A path of the web app: one leading slash (never `//host`, `/\host` or a scheme), printable. */
const pathPattern = /^\/(?![/\\])[^\s\\]{0,500}$/;
export const maxRecipients = 1000;

export interface CheckedNotify {
  to: string[];
  kind: string;
  title: string;
  body: string | null;
  link: NotificationLink | null;
  source: { type: string; id: string | null };
  key: string | null;
}

const problem = (field: string, message: string): Problem => ({ code: 'VALIDATION_FAILED', field, message });
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && !v.includes('\u0000');

function checkLink(link: unknown, problems: Problem[]): NotificationLink | null {
  if (link === undefined || link === null) return null;
  const l = link as Record<string, unknown>;
  if (typeof link === 'object' && !Array.isArray(link) && 'path' in l && Object.keys(l).length === 1) {
    if (typeof l.path === 'string' && pathPattern.test(l.path)) return { path: l.path };
    problems.push(problem('link/path', 'must be a path of the app starting with one "/"'));
    return null;
  }
  if (typeof link === 'object' && !Array.isArray(link) && Object.keys(l).sort().join() === 'object,recordId') {
    const ok = typeof l.object === 'string' && objectPattern.test(l.object) && typeof l.recordId === 'string' && uuidPattern.test(l.recordId);
    if (ok) return { object: l.object as string, recordId: (l.recordId as string).toLowerCase() };
    problems.push(problem('link', 'must name an object and a record id (uuid)'));
    return null;
  }
  problems.push(problem('link', 'must be { object, recordId } or { path }'));
  return null;
}

function checkSource(source: unknown, problems: Problem[]): { type: string; id: string | null } {
  if (source === undefined || source === null) return { type: 'system', id: null };
  const s = source as NotificationSource;
  if (typeof source !== 'object' || typeof s.type !== 'string' || !kindPattern.test(s.type)) {
    problems.push(problem('source/type', 'must be a name such as "automation" or "system"'));
    return { type: 'system', id: null };
  }
  if (s.id !== undefined && s.id !== null && !isText(s.id, 200)) problems.push(problem('source/id', 'must be text of at most 200 characters'));
  return { type: s.type, id: s.id ?? null };
}

function checkRecipients(to: unknown, problems: Problem[]): string[] {
  if (!Array.isArray(to) || to.length > maxRecipients) {
    problems.push(problem('to', `must be a list of at most ${maxRecipients} member ids`));
    return [];
  }
  const out = new Set<string>();
  to.forEach((id, i) => {
    if (typeof id === 'string' && uuidPattern.test(id)) out.add(id.toLowerCase());
    else problems.push(problem(`to/${i}`, 'must be a member id (uuid)'));
  });
  return [...out];
}

/** Checks a `notify` input, reporting every problem with its field (VALIDATION_FAILED). */
export function checkNotify(input: NotifyInput): CheckedNotify {
  const problems: Problem[] = [];
  const to = checkRecipients(input?.to, problems);
  if (typeof input?.kind !== 'string' || !kindPattern.test(input.kind)) problems.push(problem('kind', 'must match [a-z][a-z0-9_.-]{0,63}'));
  const title = typeof input?.title === 'string' ? input.title.trim() : '';
  if (!title || !isText(title, 200)) problems.push(problem('title', 'is required, at most 200 characters'));
  const body = input?.body ?? null;
  if (body !== null && !isText(body, 4000)) problems.push(problem('body', 'must be text of at most 4000 characters'));
  const link = checkLink(input?.link, problems);
  const source = checkSource(input?.source, problems);
  const key = input?.key ?? null;
  if (key !== null && (!isText(key, 200) || key === '')) problems.push(problem('key', 'must be text of 1 to 200 characters'));
  if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
  return { to, kind: input.kind, title, body, link, source, key };
}

export function checkUserId(id: unknown, field = 'userId'): string {
  if (typeof id !== 'string' || !uuidPattern.test(id)) throw AppError.problems('VALIDATION_FAILED', [problem(field, 'must be a member id (uuid)')]);
  return id.toLowerCase();
}

/** `before` and `limit` of a page. */
export function checkPage(opts: { before?: unknown; limit?: unknown }): { before: string | null; limit: number } {
  const problems: Problem[] = [];
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) problems.push(problem('limit', 'must be an integer from 1 to 100'));
  const before = opts.before === undefined || opts.before === null || opts.before === '' ? null : opts.before;
  if (before !== null && (typeof before !== 'string' || !uuidPattern.test(before))) problems.push(problem('before', 'must be the nextBefore of a page'));
  if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
  return { before: before === null ? null : (before as string).toLowerCase(), limit };
}

/** The ids to mark read: 'all' or at most 500 ids. */
export function checkReadIds(ids: unknown): string[] | 'all' {
  if (ids === 'all') return 'all';
  if (!Array.isArray(ids) || ids.length > 500) throw AppError.problems('VALIDATION_FAILED', [problem('ids', "must be 'all' or a list of at most 500 ids")]);
  const problems: Problem[] = [];
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || !uuidPattern.test(id)) problems.push(problem(`ids/${i}`, 'must be a notification id (uuid)'));
  });
  if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
  return (ids as string[]).map((id) => id.toLowerCase());
}

/** A preferences change: `{ email: { kind: boolean } }`. */
export function checkPreferences(input: unknown): Record<string, boolean> {
  const email = (input as { email?: unknown } | null)?.email;
  if (!email || typeof email !== 'object' || Array.isArray(email))
    throw AppError.problems('VALIDATION_FAILED', [problem('email', 'must be an object of kind → true/false')]);
  const entries = Object.entries(email);
  const problems: Problem[] = [];
  if (entries.length > 100) problems.push(problem('email', 'at most 100 kinds'));
  for (const [kind, on] of entries) {
    if (!kindPattern.test(kind)) problems.push(problem(`email/${kind.slice(0, 64)}`, 'must be a kind ([a-z][a-z0-9_.-]{0,63})'));
    else if (typeof on !== 'boolean') problems.push(problem(`email/${kind}`, 'must be true or false'));
  }
  if (problems.length) throw AppError.problems('VALIDATION_FAILED', problems);
  return email as Record<string, boolean>;
}
