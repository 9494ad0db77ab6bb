import { DeleteOutlined, PaperClipOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Input, Space } from 'antd';
import type { DisplayProps, EditorProps, Widget } from './widget';

interface FileRef {
  id: string;
  name: string;
  url?: string;
  size?: number;
  mimeType?: string;
}

const files = (v: unknown): FileRef[] => (Array.isArray(v) ? (v as FileRef[]) : []);

// The server stores references to files; until a file store route exists, references are typed
// in (name and address), which keeps every value the API accepts editable here.
function Editor({ id, value, onChange, disabled }: EditorProps) {
  const list = files(value);
  const set = (next: FileRef[]) => onChange?.(next.length ? next : null);
  return (
    <Space direction="vertical" style={{ width: '100%' }} id={id}>
      {list.map((f, i) => (
        <Space.Compact key={f.id} style={{ width: '100%' }}>
          <Input
            aria-label="name"
            value={f.name}
            onChange={(e) => set(list.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
            disabled={disabled}
          />
          <Input
            aria-label="url"
            value={f.url ?? ''}
            placeholder="https://…"
            onChange={(e) => set(list.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)))}
            disabled={disabled}
          />
          <Button aria-label="remove" icon={<DeleteOutlined />} onClick={() => set(list.filter((_, j) => j !== i))} disabled={disabled} />
        </Space.Compact>
      ))}
      <Button icon={<PlusOutlined />} onClick={() => set([...list, { id: crypto.randomUUID(), name: `file-${list.length + 1}` }])} disabled={disabled}>
        {' '}
      </Button>
    </Space>
  );
}

function Display({ value }: DisplayProps) {
  return (
    <Space wrap>
      {files(value).map((f) => (
        <span key={f.id}>
          <PaperClipOutlined />{' '}
          {f.url && /^https?:\/\//i.test(f.url) ? (
            <a href={f.url} target="_blank" rel="noreferrer noopener">
              {f.name}
            </a>
          ) : (
            f.name
          )}
        </span>
      ))}
    </Space>
  );
}

/** Attached files. */
export const fileUpload: Widget = { id: 'file-upload', types: ['attachment'], Editor, Display };
