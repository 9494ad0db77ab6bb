import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Space, Typography, Upload, type UploadFile, type UploadProps } from 'antd';
import { useRef, useState } from 'react';
import { csrfHeaders, describeError, errorFrom } from '../api/http';
import { useI18n } from '../i18n/i18n';
import type { DisplayProps, EditorProps, Widget } from './widget';

/** What an attachment field holds: references to files uploaded to `POST /t/{tenant}/files`. */
interface FileRef {
  id: string;
  name: string;
  url?: string;
  size?: number;
  mimeType?: string;
}

const files = (v: unknown): FileRef[] => (Array.isArray(v) ? (v as FileRef[]).filter((f) => f && typeof f.id === 'string') : []);

/** Only the platform's own download route or a web address is ever made a link (never `javascript:`). */
function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return url.startsWith('/api/v1/t/') || /^https?:\/\//i.test(url) ? url : undefined;
}

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `accept` entries as the field options give them: `.pdf`, `image/*` or `application/pdf`. */
function accepted(file: { name: string; type: string }, accept: string[]): boolean {
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

const text = {
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

function Editor({ id, field, tenant, value, onChange, disabled }: EditorProps) {
  const { lang, label } = useI18n();
  const en = lang === 'en';
  const fieldLabel = label(field.label, field.name);
  const maxFiles = typeof field.options?.maxFiles === 'number' ? field.options.maxFiles : 10;
  const accept = Array.isArray(field.options?.accept) ? (field.options.accept as string[]) : [];
  const list = files(value);
  // The value as last set: uploads finishing between two renders each add to it.
  const latest = useRef(list);
  latest.current = list;
  const [pending, setPending] = useState<UploadFile[]>([]);
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const [problems, setProblems] = useState<string[]>([]);

  const set = (next: FileRef[]) => {
    latest.current = next;
    onChange?.(next.length ? next : null);
  };
  const putPending = (f: UploadFile) => setPending((p) => (p.some((x) => x.uid === f.uid) ? p.map((x) => (x.uid === f.uid ? f : x)) : [...p, f]));
  const dropPending = (uid: string) => setPending((p) => p.filter((x) => x.uid !== uid));

  const beforeUpload: UploadProps['beforeUpload'] = (file, batch) => {
    // A new choice of files: what went wrong with the previous one is old news.
    if (batch.indexOf(file) === 0) setProblems([]);
    if (!accepted(file, accept)) {
      setProblems((p) => [...p, text.wrongType(en, file.name, accept.join(', '))]);
      return Upload.LIST_IGNORE;
    }
    const uploading = pendingRef.current.filter((x) => x.status === 'uploading').length;
    if (latest.current.length + uploading + batch.indexOf(file) + 1 > maxFiles) {
      setProblems((p) => [...p, text.tooMany(en, file.name, maxFiles)]);
      return Upload.LIST_IGNORE;
    }
    return true;
  };

  const handleChange: UploadProps['onChange'] = ({ file }) => {
    if (file.status === 'uploading') putPending(file);
    else if (file.status === 'done') {
      dropPending(file.uid);
      const ref = file.response as FileRef | undefined;
      if (ref?.id) set([...latest.current, { id: ref.id, name: ref.name, size: ref.size, mimeType: ref.mimeType, url: ref.url }]);
    } else if (file.status === 'error') {
      const why = describeError(errorFrom(file.error?.status ?? 0, file.response, file.error?.message ?? ''));
      // antd shows a string response as the item's error tooltip.
      putPending({ ...file, response: why });
      setProblems((p) => [...p, text.failed(en, file.name, why)]);
    }
  };

  const onRemove = (file: UploadFile) => {
    if (pending.some((x) => x.uid === file.uid)) dropPending(file.uid);
    else set(latest.current.filter((f) => f.id !== file.uid));
    return true;
  };

  const nameOf = new Map(list.map((f) => [f.id, f.name]));
  const fileList: UploadFile[] = [
    ...list.map(
      (f): UploadFile => ({
        uid: f.id,
        name: f.size !== undefined ? `${f.name} (${formatSize(f.size)})` : f.name,
        status: 'done',
        url: safeUrl(f.url),
        size: f.size,
        type: f.mimeType,
      }),
    ),
    ...pending,
  ];
  const full = list.length + pending.filter((x) => x.status === 'uploading').length >= maxFiles;

  return (
    <fieldset aria-label={text.list(en, fieldLabel)} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
      <Upload
        action={`/api/v1/t/${encodeURIComponent(tenant)}/files`}
        name="file"
        headers={csrfHeaders()}
        withCredentials
        multiple={maxFiles > 1}
        accept={accept.length ? accept.join(',') : undefined}
        fileList={fileList}
        beforeUpload={beforeUpload}
        onChange={handleChange}
        onRemove={onRemove}
        disabled={disabled}
        showUploadList={{
          showRemoveIcon: !disabled,
          showDownloadIcon: false,
          removeIcon: (file) => <DeleteOutlined aria-label={text.remove(en, nameOf.get(file.uid) ?? file.name)} />,
        }}
        progress={{ strokeWidth: 2, showInfo: true }}
      >
        <Button id={id} icon={<UploadOutlined />} disabled={disabled || full} aria-label={text.upload(en, fieldLabel)}>
          {text.button(en)}
        </Button>
      </Upload>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginTop: 4 }}>
        {text.limit(en, maxFiles)}
        {accept.length ? ` · ${accept.join(', ')}` : ''}
      </Typography.Text>
      {problems.length > 0 && (
        <div role="alert">
          {[...new Set(problems)].slice(-3).map((p) => (
            <Typography.Text key={p} type="danger" style={{ display: 'block' }}>
              {p}
            </Typography.Text>
          ))}
        </div>
      )}
    </fieldset>
  );
}

function Display({ value }: DisplayProps) {
  const { lang } = useI18n();
  const en = lang === 'en';
  return (
    <Space wrap>
      {files(value).map((f) => {
        const url = safeUrl(f.url);
        return (
          <span key={f.id}>
            <PaperClipOutlined aria-hidden />{' '}
            {url ? (
              <a href={url} target="_blank" rel="noreferrer noopener" aria-label={text.download(en, f.name)} title={f.name}>
                {f.name}
              </a>
            ) : (
              f.name
            )}
            {f.size !== undefined && <Typography.Text type="secondary"> {formatSize(f.size)}</Typography.Text>}
          </span>
        );
      })}
    </Space>
  );
}

/** Attached files: uploaded to the tenant's file store, downloaded through it (permissions apply). */
export const fileUpload: Widget = { id: 'file-upload', types: ['attachment'], Editor, Display };
