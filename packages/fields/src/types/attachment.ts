import { type FieldType, jsonText } from '../field-type';

/** References to stored files (the bytes live on local disk or an S3-compatible store). */
export const attachment: FieldType = {
  type: 'attachment',
  label: { 'zh-CN': '附件', en: 'Attachment' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxFiles: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
      accept: { type: 'array', items: { type: 'string', maxLength: 100 } },
    },
  },
  storage: 'column',
  column: () => 'jsonb',
  kind: 'json',
  valueSchema: (f) => ({
    type: 'array',
    maxItems: f.options.maxFiles,
    items: {
      type: 'object',
      required: ['id', 'name'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', maxLength: 100 },
        name: { type: 'string', maxLength: 255 },
        size: { type: 'integer', minimum: 0 },
        mimeType: { type: 'string', maxLength: 255 },
        url: { type: 'string', maxLength: 2048 },
      },
    },
  }),
  holdsFiles: true,
  toColumn: jsonText,
  indexable: false,
  sortable: false,
  defaultWidget: 'file-upload',
};
