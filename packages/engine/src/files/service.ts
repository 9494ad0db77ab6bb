import type { Readable } from 'node:stream';
import { AppError } from '@tangram/errors';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../db/database';
import { translatePgError } from '../db/pg-errors';
import type { Model } from '../model/compile';
import type { ActionContext } from '../access/context';
import { downloadableFiles, isFileId } from './access';
import { type FileSource, FileStore } from './store';

/** A stored file, as the API describes it. */
export interface StoredFile {
  id: string;
  name: string;
  size: number;
  mimeType: string;
  sha256: string;
  createdBy: string | null;
  createdAt: string;
}

export interface FileServiceOptions {
  db: Db;
  schema: string;
  /** This tenant's directory: `<files dir>/<tenant id>`. */
  dir: string;
  /** The largest upload accepted, in bytes. */
  maxSize: number;
  model: () => Promise<Model>;
}

export const defaultMaxFileSize = 20 * 1024 * 1024;

const mimePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** A file name as given by a browser or client, made safe to store and to send back. */
export function cleanFileName(name: unknown): string {
  const base =
    String(name ?? '')
      .split(/[/\\]/)
      .pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  // At most 255 characters (what an attachment value holds), never cutting a character in two.
  const cut = Array.from(clean).slice(0, 255).join('');
  return cut === '' || cut === '.' || cut === '..' ? 'file' : cut;
}

function cleanMimeType(mime: unknown): string {
  const m = String(mime ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  return mimePattern.test(m) ? m : 'application/octet-stream';
}

const notFound = (id: unknown) => new AppError('FILE_NOT_FOUND', { id: String(id).slice(0, 100) });

/**
 * Files of one tenant, for `attachment` fields: the bytes on local disk (`<dir>/<id>`), a `_file`
 * row per upload. Anyone in the tenant may upload; downloading follows the records the file is
 * attached to (see downloadableFiles). A file the caller may not download answers
 * FILE_NOT_FOUND, exactly as one that does not exist.
 */
export class FileService {
  private readonly store: FileStore;

  constructor(private readonly opts: FileServiceOptions) {
    this.store = new FileStore(opts.dir);
  }

  /** The largest upload accepted, in bytes. */
  get maxSize(): number {
    return this.opts.maxSize;
  }

  /** Stores an upload. Its bytes are in place before its row is written; a failure leaves neither. */
  async upload(input: { name: unknown; mimeType?: unknown; data: FileSource }, ctx: ActionContext = {}): Promise<StoredFile> {
    const id = uuidv7();
    const name = cleanFileName(input.name);
    const mimeType = cleanMimeType(input.mimeType);
    const { size, sha256 } = await this.store.write(id, input.data, this.opts.maxSize);
    try {
      const row = await this.opts.db
        .withSchema(this.opts.schema)
        .insertInto('_file')
        .values({ id, name, size, mime_type: mimeType, sha256, created_by: ctx.actor ?? null })
        .returning(['id', 'name', 'size', 'mime_type', 'sha256', 'created_by', 'created_at'])
        .executeTakeFirstOrThrow();
      return toFile(row);
    } catch (e) {
      await this.store.remove(id);
      throw translatePgError(e);
    }
  }

  /** A file's description, if the caller may download it. */
  async get(id: string, ctx: ActionContext = {}): Promise<StoredFile> {
    if (!isFileId(id)) throw notFound(id);
    const row = await this.opts.db
      .withSchema(this.opts.schema)
      .selectFrom('_file')
      .select(['id', 'name', 'size', 'mime_type', 'sha256', 'created_by', 'created_at'])
      .where('id', '=', id.toLowerCase())
      .executeTakeFirst();
    if (!row) throw notFound(id);
    const file = toFile(row);
    const access = ctx.access;
    if (access && file.createdBy !== access.userId) {
      const allowed = await downloadableFiles(this.opts.db, this.opts.schema, await this.opts.model(), access, [file.id]);
      if (!allowed.has(file.id)) throw notFound(id);
    }
    return file;
  }

  /** A file's description and its bytes, if the caller may download it. */
  async open(id: string, ctx: ActionContext = {}): Promise<{ file: StoredFile; stream: Readable }> {
    const file = await this.get(id, ctx);
    const handle = await this.store.open(file.id);
    if (!handle) throw new AppError('FILE_NOT_FOUND', { id: file.id, reason: 'the stored bytes are missing' });
    return { file, stream: handle.createReadStream() };
  }

  /** Which of `ids` the caller may download (for lists of attachments). */
  async downloadable(ids: string[], ctx: ActionContext = {}): Promise<Set<string>> {
    return downloadableFiles(this.opts.db, this.opts.schema, await this.opts.model(), ctx.access, ids);
  }
}

function toFile(r: Record<string, unknown>): StoredFile {
  return {
    id: r.id as string,
    name: r.name as string,
    size: Number(r.size),
    mimeType: r.mime_type as string,
    sha256: r.sha256 as string,
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: r.created_at as string,
  };
}
