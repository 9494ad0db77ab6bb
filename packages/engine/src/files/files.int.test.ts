import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesDirOf } from '../engine';
import { type TestTenant, backends, failure, setupTenant } from '../testing';
import { FileService, cleanFileName } from './service';

describe('file names', () => {
  it('keeps the name, without folders, control characters or more than 255 characters', () => {
    expect(cleanFileName('合同（终稿）.pdf')).toBe('合同（终稿）.pdf');
    expect(cleanFileName('C:\\Users\\张三\\报价单.xlsx')).toBe('报价单.xlsx');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\u0000b\nc\u202Ed.txt')).toBe('abcd.txt');
    expect(cleanFileName('..')).toBe('file');
    expect(cleanFileName('')).toBe('file');
    expect(cleanFileName(undefined)).toBe('file');
    const long = cleanFileName(`${'文'.repeat(300)}.txt`);
    expect(Array.from(long)).toHaveLength(255);
    expect(cleanFileName(`${'😀'.repeat(300)}`)).toBe('😀'.repeat(255));
  });
});

describe.each(await backends())('file storage on %s', (backend) => {
  let t: TestTenant;
  let dir: string;
  let files: FileService;
  const listing = () => readdirSync(dir).sort();

  beforeAll(async () => {
    t = await setupTenant(backend);
    dir = mkdtempSync(join(tmpdir(), 'tangram-files-test-'));
    files = new FileService({ db: t.engine.db, schema: t.tenant.tenant.schema, dir, maxSize: 10, model: () => t.tenant.model() });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the bytes under the id and describes them', async () => {
    const bytes = Buffer.from('0123456789');
    const f = await files.upload({ name: '说明.txt', mimeType: 'text/plain; charset=utf-8', data: bytes }, { actor: null });
    expect(f).toMatchObject({ name: '说明.txt', size: 10, mimeType: 'text/plain', createdBy: null });
    expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(readFileSync(join(dir, f.id))).toEqual(bytes);
    expect(listing()).toEqual([f.id]);
    expect(await files.get(f.id)).toEqual(f);
  });

  it('refuses a file over the limit or empty, and leaves nothing behind', async () => {
    const before = listing();
    expect((await failure(files.upload({ name: 'big.bin', data: Buffer.alloc(11) }))).code).toBe('FILE_TOO_LARGE');
    const chunks = async function* () {
      for (let i = 0; i < 5; i++) yield Buffer.alloc(3);
    };
    expect((await failure(files.upload({ name: 'big.bin', data: chunks() }))).code).toBe('FILE_TOO_LARGE');
    const empty = await failure(files.upload({ name: 'empty.txt', data: Buffer.alloc(0) }));
    expect(empty.code).toBe('VALIDATION_FAILED');
    expect(empty.details.problems).toEqual([expect.objectContaining({ field: 'file' })]);
    expect(listing()).toEqual(before);
    const count = await t.engine.db
      .withSchema(t.tenant.tenant.schema)
      .selectFrom('_file')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(before.length);
  });

  it('leaves nothing when the upload breaks off half way', async () => {
    const before = listing();
    const broken = async function* () {
      yield Buffer.from('abc');
      throw new Error('connection reset');
    };
    await expect(files.upload({ name: 'x.bin', data: broken() })).rejects.toThrow('connection reset');
    expect(listing()).toEqual(before);
  });

  it('answers FILE_NOT_FOUND for an unknown or malformed id, and when the bytes are gone', async () => {
    expect((await failure(files.get('0190a4b2-0000-7000-8000-000000000000'))).code).toBe('FILE_NOT_FOUND');
    expect((await failure(files.get('../etc/passwd'))).code).toBe('FILE_NOT_FOUND');
    const f = await files.upload({ name: 'gone.txt', data: Buffer.from('x') });
    rmSync(join(dir, f.id));
    expect((await failure(files.open(f.id))).code).toBe('FILE_NOT_FOUND');
  });

  it('gives each tenant engine its own directory under the files directory', () => {
    expect(filesDirOf({ dataDir: '/srv/tangram' })).toBe(join('/srv/tangram', 'files'));
    expect(filesDirOf({ filesDir: '/mnt/files', dataDir: '/srv/tangram' })).toBe('/mnt/files');
    expect(t.tenant.files.maxSize).toBe(20 * 1024 * 1024);
  });
});
