/* Shared by the attachment display (loaded with every list) and its editor (loaded when a form opens). */

/** What an attachment field holds: references to files uploaded to `POST /t/{tenant}/files`. */
export interface FileRef {
  id: string;
  name: string;
  url?: string;
  size?: number;
  mimeType?: string;
}

export const files = (v: unknown): FileRef[] => (Array.isArray(v) ? (v as FileRef[]).filter((f) => f && typeof f.id === 'string') : []);

/** Only the platform's own download route or a web address is ever made a link (never `javascript:`). */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.startsWith('/api/v1/t/') || /^https?:\/\//i.test(url) ? url : undefined;
}

export function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `accept` entries as the field options give them: `.pdf`, `image/*` or `application/pdf`. */
export function accepted(file: { name: string; type: string }, accept: string[]): boolean {
  if (!accept.length) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return accept.some((a) => {
    const x = a.trim().toLowerCase();
    if (x.startsWith('.')) return name.endsWith(x);
    if (x.endsWith('/*')) return type.startsWith(x.slice(0, -1));
    return type === x;
  });
}

export const text = {
  upload: (en: boolean, field: string) => (en ? `Upload files to ${field}` : `上传文件到「${field}」`),
  button: (en: boolean) => (en ? 'Upload' : '上传文件'),
  limit: (en: boolean, max: number) => (en ? `At most ${max} files` : `最多 ${max} 个文件`),
  tooMany: (en: boolean, name: string, max: number) => (en ? `${name}: at most ${max} files` : `${name}：最多只能上传 ${max} 个文件`),
  wrongType: (en: boolean, name: string, accept: string) => (en ? `${name}: only ${accept}` : `${name}：只接受 ${accept}`),
  failed: (en: boolean, name: string, why: string) => (en ? `${name} was not uploaded: ${why}` : `${name} 上传失败：${why}`),
  list: (en: boolean, field: string) => (en ? `Files of ${field}` : `「${field}」的文件`),
  download: (en: boolean, name: string) => (en ? `Download ${name}` : `下载 ${name}`),
  remove: (en: boolean, name: string) => (en ? `Remove ${name}` : `移除 ${name}`),
};
