import { DeleteOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Typography, Upload, type UploadFile, type UploadProps } from 'antd';
import { useRef, useState } from 'react';
import { csrfHeaders, describeError, errorFrom } from '../api/http';
import { useI18n } from '../i18n/i18n';
import { accepted, type FileRef, files, formatSize, safeUrl, text } from './file-refs';
import type { EditorProps } from './widget';

/** Uploads to the tenant's file store (antd Upload, loaded only when a form with an attachment field opens). */
export default function Editor({ id, field, tenant, value, onChange, disabled }: EditorProps) {
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
