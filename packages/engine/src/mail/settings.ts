import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { AppError, type Problem } from '@tangram/errors';
import type { Db } from '../db/database';
import { platformTables } from '../db/tables';

// A tenant's SMTP settings: checked (every problem with its path), stored in
// `platform.mail_settings` with the password sealed (AES-256-GCM under the installation's `mail`
// secret), and shown without the password.

/** What a tenant admin sends (PUT). `password` absent keeps the stored one; null removes it. */
export interface MailSettingsInput {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when offered. Default: port is 465. */
  secure?: boolean;
  user?: string | null;
  password?: string | null;
  /** The sender: `addr@example.com` or `Name <addr@example.com>`. */
  from: string;
}

/** The settings as they are shown: never the password, only whether there is one. */
export interface MailSettingsView {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  hasPassword: boolean;
  from: string;
  updatedAt: string;
}

/** The settings a sender uses (password opened). */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
}

const keys = new Set(['host', 'port', 'secure', 'user', 'password', 'from']);
const hostName = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const address = /^[^\s@<>()",;:\\[\]]{1,64}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** An e-mail address alone (no display name). */
export function isMailAddress(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 254 && address.test(v);
}

/** `addr` or `Name <addr>`, on one line. */
function isSender(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > 320 || /[\r\n]/.test(v)) return false;
  const named = /^([^<>]{0,100})<([^<>]+)>$/.exec(v.trim());
  return named ? isMailAddress(named[2]?.trim()) : isMailAddress(v.trim());
}

function isHost(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const bare = v.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) !== 0 || hostName.test(bare);
}

/**
 * Checks a PUT body; every problem is reported with its path (`/port`), as MAIL_SETTINGS_INVALID.
 * A user without a password is allowed (a relay may take the user alone).
 */
export function checkMailSettings(input: unknown): MailSettingsInput {
  const problems: Problem[] = [];
  const bad = (field: string, message: string) => problems.push({ code: 'MAIL_SETTINGS_INVALID', path: `/${field}`, field, message });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw AppError.problems('MAIL_SETTINGS_INVALID', [{ code: 'MAIL_SETTINGS_INVALID', path: '/', message: 'must be an object' }]);
  }
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.has(k)) bad(k.slice(0, 64), 'is not a mail setting (host, port, secure, user, password, from)');
  if (!isHost(o.host)) bad('host', 'must be a host name or an IP address (no scheme, no port)');
  if (!Number.isInteger(o.port) || (o.port as number) < 1 || (o.port as number) > 65535) bad('port', 'must be an integer from 1 to 65535');
  if (o.secure !== undefined && typeof o.secure !== 'boolean') bad('secure', 'must be true or false');
  if (o.user !== undefined && o.user !== null && (typeof o.user !== 'string' || !o.user || o.user.length > 254 || /[\r\n]/.test(o.user)))
    bad('user', 'must be a user name of 1 to 254 characters on one line, or null');
  if (o.password !== undefined && o.password !== null && (typeof o.password !== 'string' || !o.password || o.password.length > 1024))
    bad('password', 'must be a password of 1 to 1024 characters, or null to remove it');
  if (typeof o.password === 'string' && (o.user === undefined || o.user === null)) bad('password', 'needs a user');
  if (!isSender(o.from)) bad('from', 'must be an address (name@example.com) or Name <name@example.com>');
  if (problems.length) throw AppError.problems('MAIL_SETTINGS_INVALID', problems);
  return {
    host: (o.host as string).replace(/^\[(.*)\]$/, '$1').toLowerCase(),
    port: o.port as number,
    secure: (o.secure as boolean | undefined) ?? o.port === 465,
    user: (o.user as string | null | undefined) ?? null,
    ...(o.password !== undefined ? { password: o.password as string | null } : {}),
    from: (o.from as string).trim(),
  };
}

/** Seals a password with the installation's key (AES-256-GCM): `v1.<iv>.<tag>.<ciphertext>`. */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

export function unseal(key: Buffer, sealed: string): string {
  const [v, iv, tag, body] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed value');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  d.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
}

type Row = {
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  password_sealed: string | null;
  from_address: string;
  updated_at: string;
};

const view = (r: Row): MailSettingsView => ({
  host: r.host,
  port: r.port,
  secure: r.secure,
  user: r.username,
  hasPassword: r.password_sealed !== null,
  from: r.from_address,
  updatedAt: new Date(r.updated_at).toISOString(),
});

async function row(db: Db, tenantId: string): Promise<Row | undefined> {
  return platformTables(db)
    .selectFrom('mail_settings')
    .select(['host', 'port', 'secure', 'username', 'password_sealed', 'from_address', 'updated_at'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
}

/** The tenant's settings as shown (no password), or null when it has none. */
export async function readSettings(db: Db, tenantId: string): Promise<MailSettingsView | null> {
  const r = await row(db, tenantId);
  return r ? view(r) : null;
}

/** The tenant's settings for sending (password opened), or null. */
export async function smtpSettings(db: Db, tenantId: string, key: Buffer): Promise<SmtpSettings | null> {
  const r = await row(db, tenantId);
  if (!r) return null;
  return {
    host: r.host,
    port: r.port,
    secure: r.secure,
    user: r.username,
    password: r.password_sealed === null ? null : unseal(key, r.password_sealed),
    from: r.from_address,
  };
}

/** Stores checked settings; a password left out keeps the stored one. */
export async function writeSettings(db: Db, tenantId: string, s: MailSettingsInput, key: Buffer, actor: string | null): Promise<MailSettingsView> {
  const values = {
    tenant_id: tenantId,
    host: s.host,
    port: s.port,
    secure: s.secure ?? s.port === 465,
    username: s.user ?? null,
    from_address: s.from,
    updated_at: new Date(),
    updated_by: actor,
    ...(s.password !== undefined ? { password_sealed: s.password === null ? null : seal(key, s.password) } : {}),
  };
  // A changed user without a new password would pair the old password with another account.
  const before = await row(db, tenantId);
  if (s.password === undefined && before && before.username !== values.username) Object.assign(values, { password_sealed: null });
  const { tenant_id: _, ...update } = values;
  await platformTables(db)
    .insertInto('mail_settings')
    .values(values)
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(update))
    .execute();
  return view((await row(db, tenantId)) as Row);
}

export async function deleteSettings(db: Db, tenantId: string): Promise<boolean> {
  const r = await platformTables(db).deleteFrom('mail_settings').where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
