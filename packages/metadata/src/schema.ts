import { fieldTypeNames } from './types';

const localeText = {
  oneOf: [
    { type: 'string', maxLength: 200 },
    {
      type: 'object',
      propertyNames: { pattern: '^[a-z]{2,3}(-[A-Z][A-Za-z]{1,3})?$' },
      additionalProperties: { type: 'string', maxLength: 200 },
      maxProperties: 20,
    },
  ],
} as const;

const longLocaleText = {
  oneOf: [
    { type: 'string', maxLength: 4000 },
    { type: 'object', additionalProperties: { type: 'string', maxLength: 4000 }, maxProperties: 20 },
  ],
} as const;

const name = { type: 'string', maxLength: 63 } as const;

const field = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    type: { enum: fieldTypeNames },
    label: localeText,
    description: longLocaleText,
    required: { type: 'boolean' },
    unique: { type: 'boolean' },
    indexed: { type: 'boolean' },
    defaultValue: {},
    options: { type: 'object' },
    archived: { type: 'boolean' },
  },
} as const;

const object = {
  type: 'object',
  required: ['name', 'fields'],
  additionalProperties: false,
  properties: {
    id: name,
    name,
    label: localeText,
    pluralLabel: localeText,
    description: longLocaleText,
    titleField: name,
    searchFields: { type: 'array', items: name, maxItems: 20 },
    fields: { type: 'array', items: field, maxItems: 500 },
    indexes: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['fields'],
        additionalProperties: false,
        properties: {
          id: name,
          fields: { type: 'array', items: name, minItems: 1, maxItems: 8 },
          unique: { type: 'boolean' },
        },
      },
    },
    validationRules: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['id', 'rule', 'message'],
        additionalProperties: false,
        properties: { id: name, rule: {}, message: longLocaleText, field: name },
      },
    },
    archived: { type: 'boolean' },
  },
} as const;

/** JSON Schema (draft 2020-12 subset, as ajv reads it) of an app package / a metadata document. */
export const appSchema = {
  $id: 'https://tangram.dev/schemas/app.json',
  type: 'object',
  required: ['objects'],
  additionalProperties: false,
  properties: {
    name: name,
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$' },
    label: localeText,
    objects: { type: 'array', items: object, maxItems: 1000 },
  },
} as const;
