import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@tangram/errors';

/** What an upload reads from: a stream (a multipart part), any async iterable of chunks, or bytes. */
export type FileSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

/**
 * One tenant's bytes on local disk, one file per upload named by its id. A write goes to a
 * temporary file in the same directory and is renamed into place only when complete, so a
 * failed or refused upload leaves nothing behind (a crash mid-upload may leave a `.upload-*`).
 */
export class FileStore {
  constructor(readonly dir: string) {}

  path(id: string): string {
    return join(this.dir, id);
  }

  /** Writes the bytes as `id`: refused above `maxSize` bytes (FILE_TOO_LARGE) or when empty. */
  async write(id: string, source: FileSource, maxSize: number): Promise<{ size: number; sha256: string }> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.upload-${id}-${randomBytes(4).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxSize) return done(new AppError('FILE_TOO_LARGE', { limit: maxSize }));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // The temporary file is opened before any byte flows: a stream that opens its own file may
    // create it after a refused upload was already cleaned up, leaving a stray `.upload-*`.
    const handle = await open(tmp, 'wx', 0o600);
    try {
      try {
        await pipeline(source instanceof Uint8Array ? [source] : source, meter, handle.createWriteStream());
      } finally {
        await handle.close().catch(() => undefined);
      }
      if (size === 0) throw AppError.problems('VALIDATION_FAILED', [{ code: 'VALIDATION_FAILED', field: 'file', message: 'the file is empty' }]);
      await rename(tmp, this.path(id));
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { size, sha256: hash.digest('hex') };
  }

  /** Opens a stored file for reading; undefined when its bytes are missing. */
  async open(id: string): Promise<FileHandle | undefined> {
    try {
      return await open(this.path(id), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
