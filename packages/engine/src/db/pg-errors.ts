import { AppError } from '@tangram/errors';

/** What the engine knows about the statement that failed, to name fields instead of columns. */
export interface ErrorContext {
  object?: string;
  /** Maps a physical column to the field name users know. */
  fieldOfColumn?: (column: string) => string | undefined;
  /** Maps a constraint or index name to the field name it guards. */
  fieldOfConstraint?: (constraint: string) => string | undefined;
  /** The statement was a delete or purge (a foreign-key error then means "still referenced"). */
  deleting?: boolean;
}

interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
  message?: string;
}

/**
 * The one place where Postgres errors become Tangram errors. SQLSTATEs: 23505 unique,
 * 23503 foreign key, 23502 not null, 40001/40P01 retryable, 55P03 lock timeout,
 * 57014 statement timeout, 22003 out of range, 08xxx connection, 0A000 "cached plan must not
 * change result type" (retryable). Physical names are mapped back
 * to field names; other unknown errors pass through unchanged (they are bugs, logged as such).
 */
export function translatePgError(e: unknown, ctx: ErrorContext = {}): unknown {
  if (e instanceof AppError) return e;
  const err = e as PgError;
  const code = err?.code;
  if (typeof code !== 'string') {
    if ((e as { code?: string })?.code === 'ECONNREFUSED') return new AppError('DATABASE_UNAVAILABLE');
    return e;
  }
  const object = ctx.object ? { object: ctx.object } : {};
  const byConstraint = err.constraint ? ctx.fieldOfConstraint?.(err.constraint) : undefined;
  switch (code) {
    case '23505':
      return new AppError('RECORD_NOT_UNIQUE', { ...object, field: byConstraint ?? err.constraint });
    case '23503':
      return ctx.deleting
        ? new AppError('RECORD_REFERENCED', { ...object })
        : new AppError('RECORD_REFERENCE_INVALID', { ...object, field: byConstraint ?? err.constraint });
    case '23502':
      return new AppError('RECORD_INVALID', { ...object, field: (err.column && ctx.fieldOfColumn?.(err.column)) ?? err.column, problem: 'required' });
    case '40001':
    case '40P01':
      return new AppError('SERIALIZATION_FAILURE', { retryable: true });
    case '55P03':
      return new AppError('LOCK_TIMEOUT', { retryable: true });
    case '57014':
      return new AppError('QUERY_TIMEOUT');
    case '22003':
      return new AppError('VALUE_OUT_OF_RANGE', { ...object });
    case '54001':
      return new AppError('RULE_TOO_COMPLEX');
    case '0A000':
      // A prepared statement's result type changed under it (another process altered a column):
      // the driver prepares it again, so the transaction is safe to retry.
      if (/cached plan must not change result type/i.test(err.message ?? '')) return new AppError('SERIALIZATION_FAILURE', { retryable: true });
      return e;
    default:
      if (code.startsWith('08') || code === '57P01' || code === '57P03') return new AppError('DATABASE_UNAVAILABLE');
      return e;
  }
}
