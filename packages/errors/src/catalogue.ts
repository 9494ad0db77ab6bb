/**
 * Every error Tangram can return, with its HTTP status. One entry per code; the codes are a
 * public contract (clients switch on them), so they are never renamed once released.
 * `docs/reference/errors.md` is kept in sync by a test.
 */
export const catalogue = {
  // request / validation
  VALIDATION_FAILED: { status: 400, message: 'The input is not valid' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large' },
  // metadata
  METADATA_INVALID: { status: 400, message: 'The metadata is not valid' },
  NAME_INVALID: { status: 400, message: 'A name must match ^[a-z][a-z0-9_]{0,62}$' },
  NAME_RESERVED: { status: 400, message: 'The name is reserved' },
  NAME_DUPLICATE: { status: 409, message: 'The name is already used' },
  OBJECT_NOT_FOUND: { status: 404, message: 'No such object' },
  FIELD_NOT_FOUND: { status: 400, message: 'No such field' },
  FIELD_TYPE_UNKNOWN: { status: 400, message: 'Unknown field type' },
  FIELD_OPTIONS_INVALID: { status: 400, message: 'The field options are not valid' },
  FIELD_TYPE_CHANGE_UNSUPPORTED: { status: 409, message: 'The field type cannot be changed that way' },
  FIELD_TYPE_CHANGE_LOSES_DATA: { status: 409, message: 'Some rows cannot be converted to the new type' },
  FIELD_ARCHIVED: { status: 400, message: 'The field is archived' },
  REFERENCE_TARGET_UNKNOWN: { status: 400, message: 'The related object does not exist' },
  UNIQUE_VIOLATED_BY_DATA: { status: 409, message: 'Existing rows are not unique on these fields' },
  REQUIRED_VIOLATED_BY_DATA: { status: 409, message: 'Existing rows have no value for a field made required' },
  REVISION_NOT_FOUND: { status: 404, message: 'No such revision' },
  REVISION_CONFLICT: { status: 409, message: 'The metadata changed since this draft was based on it' },
  SCHEMA_BUSY: { status: 503, message: 'A table is busy; try publishing again' },
  // automations (metadata)
  AUTOMATION_TRIGGER_INVALID: { status: 400, message: 'The automation trigger lacks a property its kind needs, or has one it does not take' },
  AUTOMATION_CRON_INVALID: { status: 400, message: 'The schedule is not a valid five-field cron expression or time zone' },
  AUTOMATION_ACTION_INVALID: { status: 400, message: 'The automation action lacks a property its kind needs, or has one it does not take' },
  AUTOMATION_ACTION_TIMING: { status: 400, message: 'The action cannot run at the automation’s timing (set values and refuse run only before save)' },
  AUTOMATION_FIELD_UNSUITABLE: { status: 400, message: 'The field cannot be used that way in an automation (its type, or it is computed)' },
  AUTOMATION_TARGET_INVALID: { status: 400, message: 'The related records an action writes are not reached through a lookup field' },
  // rules (JSON Logic)
  RULE_INVALID: { status: 400, message: 'The rule is not valid' },
  RULE_OPERATOR_UNKNOWN: { status: 400, message: 'Unknown or disallowed operator in the rule' },
  RULE_FIELD_UNKNOWN: { status: 400, message: 'The rule refers to an unknown field' },
  RULE_TYPE_MISMATCH: { status: 400, message: 'The rule compares values of the wrong type' },
  RULE_TOO_COMPLEX: { status: 400, message: 'The rule is too deep or too large' },
  // records
  RECORD_NOT_FOUND: { status: 404, message: 'No such record' },
  RECORD_INVALID: { status: 400, message: 'The record is not valid' },
  RECORD_VERSION_CONFLICT: { status: 409, message: 'The record was changed by someone else' },
  RECORD_VERSION_REQUIRED: { status: 428, message: 'An update must say which version it read' },
  RECORD_NOT_UNIQUE: { status: 409, message: 'A record with this value already exists' },
  RECORD_DUPLICATE: { status: 409, message: 'A record matching a duplicate rule already exists' },
  RECORD_REFERENCE_INVALID: { status: 400, message: 'The referenced record does not exist' },
  RECORD_REFERENCED: { status: 409, message: 'The record is still referenced by other records' },
  RECORD_DELETED: { status: 409, message: 'The record is in the recycle bin' },
  RECORD_NOT_DELETED: { status: 409, message: 'The record is not in the recycle bin' },
  RECORD_READ_ONLY_FIELD: { status: 400, message: 'The field cannot be written' },
  // public pool (公海)
  POOL_NOT_ENABLED: { status: 400, message: 'The object has no public pool' },
  RECORD_NOT_IN_POOL: { status: 409, message: 'The record has an owner: it is not in the public pool' },
  RECORD_IN_POOL: { status: 409, message: 'The record is already in the public pool' },
  POOL_CLAIM_LIMIT: { status: 409, message: 'You already own as many records of this object as a claim allows' },
  VALIDATION_RULE_FAILED: { status: 400, message: 'A validation rule failed' },
  AUTOMATION_REFUSED: { status: 422, message: 'An automation refused the change' },
  QUERY_INVALID: { status: 400, message: 'The query is not valid' },
  CURSOR_INVALID: { status: 400, message: 'The pagination cursor is not valid' },
  VERSION_NOT_FOUND: { status: 404, message: 'No such version of the record' },
  // access
  UNAUTHENTICATED: { status: 401, message: 'Sign in first' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  FIELD_FORBIDDEN: { status: 403, message: 'You may not read or write this field' },
  FIELD_READ_ONLY: { status: 403, message: 'This field is read-only for you' },
  ROLE_INVALID: { status: 400, message: 'The role is not valid' },
  ROLE_NOT_FOUND: { status: 404, message: 'No such role' },
  CSRF_FAILED: { status: 403, message: 'The CSRF token is missing or wrong' },
  ACCOUNT_LOCKED: { status: 423, message: 'Too many failed sign-ins; try again later' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down' },
  // templates
  TEMPLATE_INVALID: { status: 400, message: 'The template package is not valid' },
  TEMPLATE_NOT_FOUND: { status: 404, message: 'No such template' },
  TEMPLATE_DEPENDENCY_MISSING: { status: 409, message: 'A template this one depends on is missing or the wrong version' },
  TEMPLATE_CONFLICT: { status: 409, message: 'The template conflicts with the tenant’s own changes' },
  TEMPLATE_NOT_INSTALLED: { status: 404, message: 'The template is not installed in this tenant' },
  // files (attachment storage)
  FILE_NOT_FOUND: { status: 404, message: 'No such file' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is larger than the upload limit' },
  // outbound HTTP (webhooks, group robots, mail relays: packages/net)
  OUTBOUND_URL_INVALID: { status: 400, message: 'The outbound URL is not a valid URL' },
  OUTBOUND_SCHEME_REFUSED: { status: 400, message: 'Only http and https URLs may be called' },
  OUTBOUND_ADDRESS_REFUSED: {
    status: 400,
    message: 'The host is or resolves to a loopback, private, link-local or other internal address; an admin may allow it',
  },
  OUTBOUND_UNREACHABLE: { status: 502, message: 'The host could not be resolved or reached' },
  OUTBOUND_TIMEOUT: { status: 504, message: 'The host did not answer in time' },
  OUTBOUND_TOO_LARGE: { status: 502, message: 'The response is larger than the limit' },
  OUTBOUND_TOO_MANY_REDIRECTS: { status: 502, message: 'The host redirected too many times' },
  OUTBOUND_HTTP_STATUS: { status: 502, message: 'The host answered with an error status' },
  // e-mail (SMTP settings per tenant, the dev mailbox: packages/engine/src/mail)
  MAIL_SETTINGS_INVALID: { status: 400, message: 'The mail settings are not valid' },
  MAIL_NOT_CONFIGURED: { status: 409, message: 'The tenant has no SMTP settings and the dev mailbox is off' },
  MAIL_SEND_FAILED: { status: 502, message: 'The SMTP server refused the login or the message' },
  // after-commit automations (run log)
  AUTOMATION_NOT_FOUND: { status: 404, message: 'No such automation' },
  AUTOMATION_RUN_NOT_FOUND: { status: 404, message: 'No such run of the automation' },
  AUTOMATION_RUN_NOT_RETRYABLE: { status: 409, message: 'Only a failed run whose attempts are used up can be retried' },
  AUTOMATION_SECRET_NOT_FOUND: { status: 500, message: 'The secret named by the webhook action is not configured' },
  // tenants and infrastructure
  TENANT_NOT_FOUND: { status: 404, message: 'No such tenant' },
  TENANT_EXISTS: { status: 409, message: 'The tenant already exists' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is not reachable' },
  SERIALIZATION_FAILURE: { status: 503, message: 'A concurrent change interfered; retry' },
  LOCK_TIMEOUT: { status: 503, message: 'A lock could not be taken in time; retry' },
  QUERY_TIMEOUT: { status: 503, message: 'The query took too long' },
  VALUE_OUT_OF_RANGE: { status: 400, message: 'A value is out of range' },
  INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof catalogue;
