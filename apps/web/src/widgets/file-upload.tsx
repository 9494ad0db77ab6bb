import { PaperClipOutlined } from '@ant-design/icons';
import { Space, Spin, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n/i18n';
import { files, formatSize, safeUrl, text } from './file-refs';
import type { DisplayProps, EditorProps, Widget } from './widget';

const UploadEditor = lazy(() => import('./file-upload-editor'));

function Editor(props: EditorProps) {
  return (
    <Suspense fallback={<Spin size="small" />}>
      <UploadEditor {...props} />
    </Suspense>
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
export const fileUpload: Widget = { id: 'file-upload', types: ['attachment'], Editor, Display, listColumn: false };
