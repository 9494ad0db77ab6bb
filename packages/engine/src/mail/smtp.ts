import { isIP } from 'node:net';
import { AppError, isAppError } from '@tangram/errors';
import { DEFAULT_LIMITS, type OutboundPolicy, checkOutboundHost } from '@tangram/net';
import nodemailer from 'nodemailer';
import type { SmtpSettings } from './settings';

/** One message to one address. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** `<…@…>`; the same key gives the same id, so a receiver can drop a repeat. */
  messageId: string;
}

const unreachable = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Sends through the tenant's SMTP server with nodemailer, after the outbound guard: the host (an
 * IP literal, or every address its name resolves to) must be public unless `allowHosts` names it
 * (OUTBOUND_ADDRESS_REFUSED), and the connection goes to the address checked, not to a second DNS
 * answer (TLS still verifies the certificate against the host name).
 */
export async function sendSmtp(s: SmtpSettings, msg: MailMessage, policy: OutboundPolicy): Promise<{ messageId: string }> {
  const checked = await checkOutboundHost(s.host, s.port, policy);
  const target = checked.addresses[0]?.address as string;
  const literal = isIP(checked.hostname) !== 0;
  const transport = nodemailer.createTransport({
    host: target,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    // Connected by address; TLS verifies the certificate against the name the admin typed.
    tls: literal ? {} : { servername: checked.hostname },
    connectionTimeout: policy.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
    greetingTimeout: policy.connectTimeoutMs ?? DEFAULT_LIMITS.connectTimeoutMs,
    socketTimeout: policy.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: s.from,
      to: msg.to,
      subject: oneLine(msg.subject),
      text: msg.text,
      messageId: msg.messageId,
    });
    return { messageId: info.messageId ?? msg.messageId };
  } catch (e) {
    throw translate(e, `${s.host}:${s.port}`);
  } finally {
    transport.close();
  }
}

/** A subject is one header line. */
export const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').slice(0, 998);

/** nodemailer's failures as the guard's codes (no connection) or MAIL_SEND_FAILED (the server said no). */
function translate(e: unknown, host: string): AppError {
  if (isAppError(e)) return e;
  const err = e as { code?: string; responseCode?: number; command?: string };
  const code = typeof err.code === 'string' ? err.code : 'ERROR';
  if (code === 'ETIMEDOUT') return new AppError('OUTBOUND_TIMEOUT', { host }, `${host} did not answer in time`);
  if (unreachable.has(code)) return new AppError('OUTBOUND_UNREACHABLE', { host, reason: code }, `${host} could not be reached`);
  return new AppError(
    'MAIL_SEND_FAILED',
    { host, reason: code, ...(err.responseCode ? { responseCode: err.responseCode } : {}), ...(err.command ? { command: err.command } : {}) },
    `${host} refused: ${code}${err.responseCode ? ` ${err.responseCode}` : ''}`,
  );
}
