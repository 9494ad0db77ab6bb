import type { JsonSchema } from '../field-type';

export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const uuidSchema: JsonSchema = { type: 'string', pattern: uuidPattern };

export const targetOptionsSchema = (extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: { target: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' }, ...extra },
});
