import { type ErrorCode, catalogue } from './catalogue';

/** One problem, located by a JSON path (`/objects/0/fields/2/name`) or a field name. */
export interface Problem {
  code: ErrorCode;
  path?: string;
  field?: string;
  message: string;
  [extra: string]: unknown;
}

/**
 * The one error class of Tangram. Throw it; the server maps `code` to its HTTP status.
 * @example throw new AppError('RECORD_NOT_FOUND', { object: 'account', id })
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, message?: string) {
    super(message ?? catalogue[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = catalogue[code].status;
    this.details = details;
  }

  /** Several problems at once (validation reports all of them, not just the first). */
  static problems(code: ErrorCode, problems: Problem[], message?: string): AppError {
    return new AppError(code, { problems }, message);
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
