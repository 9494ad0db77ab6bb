import multipart from '@fastify/multipart';
import type { StoredFile } from '@tangram/engine';
import { AppError, isAppError } from '@tangram/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { route } from '../openapi/declare';
import { FileReference, idParams, tenantParams } from '../openapi/schemas';
import { actionContext, tenantOf } from '../plugins/tenant';

type FileReq = FastifyRequest<{ Params: { tenant: string; id: string } }>;

/** A body busboy cannot read (no boundary, cut off, bad part headers): the client's fault, not ours. */
const malformed = (e: unknown) =>
  AppError.problems('VALIDATION_FAILED', [
    { code: 'VALIDATION_FAILED', field: 'file', message: `the multipart body cannot be read: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300) },
  ]);
const hasStatus = (e: unknown) => typeof e === 'object' && e !== null && typeof (e as { statusCode?: unknown }).statusCode === 'number';

const noFile = () =>
  AppError.problems('VALIDATION_FAILED', [
    { code: 'VALIDATION_FAILED', field: 'file', message: 'send multipart/form-data with the file in a part named "file"' },
  ]);

/** The reference an attachment field stores, with the address to download it from. */
export function fileReference(file: StoredFile, tenant: string) {
  return { id: file.id, name: file.name, size: file.size, mimeType: file.mimeType, url: `/api/v1/t/${encodeURIComponent(tenant)}/files/${file.id}` };
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: the plain name for old clients (non-ASCII
 * characters as `_`), the exact one (RFC 6266 / 8187) for everyone else.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/**
 * Files for attachment fields: upload (multipart, one part named `file`) and download. Anyone
 * in the tenant may upload; a download is allowed to the uploader, to members who can read a
 * record holding the file in a field they may see, and to tenant admins (FILE_NOT_FOUND else).
 */
export async function fileRoutes(app: FastifyInstance): Promise<void> {
  // Only these routes accept multipart bodies. The size limit is the engine's (it counts the
  // bytes); busboy stops reading one byte past it so the engine sees the file is too large.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { files: 1, fields: 20, parts: 21, fieldSize: 1024, headerPairs: 100 } });
  const base = '/files';
  const tags = ['files'];
  const binary = { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' };

  app.post(
    base,
    {
      schema: route({
        operationId: 'uploadFile',
        summary: 'Upload a file (multipart, one part named "file"); store the answer in an attachment field',
        tags,
        params: tenantParams,
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: binary } } } },
        },
        responses: { 201: { description: 'Stored', schema: FileReference } },
      }),
    },
    async (req, reply) => {
      const t = await tenantOf(req);
      if (!req.isMultipart()) throw noFile();
      const part = await req.file({ limits: { fileSize: t.files.maxSize + 1 } }).catch((e) => {
        throw isAppError(e) || hasStatus(e) ? e : malformed(e);
      });
      if (part?.fieldname !== 'file') {
        part?.file.resume();
        throw noFile();
      }
      const file = await t.files.upload({ name: part.filename, mimeType: part.mimetype, data: part.file }, actionContext(req)).catch((e) => {
        // The part's own stream failed (the body was cut off or broken): nothing was stored.
        throw !isAppError(e) && part.file.errored ? malformed(e) : e;
      });
      return reply.status(201).send(fileReference(file, t.tenant.slug));
    },
  );

  app.get(
    `${base}/:id`,
    {
      schema: route({
        operationId: 'downloadFile',
        summary: 'Download a file: its uploader, members who can read a record holding it, tenant admins',
        tags,
        params: idParams,
        responses: {
          200: {
            description: 'The bytes, with the type given at upload and `Content-Disposition: attachment`',
            content: { 'application/octet-stream': { schema: binary } },
          },
          304: { description: 'Not modified (If-None-Match)' },
        },
      }),
    },
    async (req: FileReq, reply) => {
      const t = await tenantOf(req);
      const { file, stream } = await t.files.open(req.params.id, actionContext(req));
      const etag = `"${file.sha256}"`;
      reply
        .header('etag', etag)
        // Private (the answer depends on who asks), checked again on each use.
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        // Never rendered as a page of this site, whatever the uploader said its type was.
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', contentDisposition(file.name));
      if (req.headers['if-none-match'] === etag) {
        stream.destroy();
        return reply.status(304).send();
      }
      return reply.header('content-type', file.mimeType).header('content-length', file.size).send(stream);
    },
  );
}
