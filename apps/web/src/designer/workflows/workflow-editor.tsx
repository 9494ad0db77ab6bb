import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn.css';
import './modeler.css';
import { ArrowLeftOutlined, CloudUploadOutlined, DownloadOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { tangramModdle } from '@tangram/bpmn';
import type { WorkflowInput } from '@tangram/metadata';
import { Alert, App, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import Modeler from 'bpmn-js/lib/Modeler';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/http';
import { usePublish } from '../../api/metadata';
import { useI18n } from '../../i18n/i18n';
import { useDesigner } from '../use-designer';
import { putWorkflow, workflowsOf } from './core';
import { useWf } from './messages';
import { type ModdleElement, type SubsetProblem, subsetProblems } from './model';
import { SidePanel, type WorkflowSettings } from './panel';
import { restrictModule } from './restrict';

// The process modeler (designer → 流程 → a workflow), on its own lazy route so bpmn-js and its
// CSS load only here. The diagram is edited in bpmn-js; our side panel writes the `tg:`
// attributes; 保存 writes the workflow into the draft (refused while the diagram has anything
// outside the subset, each problem naming its element); 发布 publishes the draft.

type Any = any;

interface Problem {
  /** The diagram element it is about ('' for the whole file or workflow). */
  id: string;
  message: string;
}

const settingsOf = (w: WorkflowInput): WorkflowSettings => {
  const { bpmn: _, ...rest } = w;
  return rest;
};

function download(name: string, xml: string) {
  const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.bpmn`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The element ids of the diagram a server problem names (in its path or its message). */
function elementIn(path: string | undefined, message: string, ids: Set<string>): string {
  for (const seg of (path ?? '').split('/').reverse()) if (ids.has(seg)) return seg;
  for (const id of ids) if (id && message.includes(id)) return id;
  return '';
}

function ProblemList({
  title,
  problems,
  type,
  onPick,
  testId,
}: {
  title: string;
  problems: Problem[];
  type: 'error' | 'warning';
  onPick(id: string): void;
  testId: string;
}) {
  return (
    <Alert
      type={type}
      showIcon
      data-testid={testId}
      message={title}
      description={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {problems.map((p) => (
            <li key={`${p.id}-${p.message}`}>
              {p.id ? (
                <Typography.Link onClick={() => onPick(p.id)} data-element={p.id}>
                  {p.message}
                </Typography.Link>
              ) : (
                p.message
              )}
            </li>
          ))}
        </ul>
      }
    />
  );
}

function Editor({ workflow }: { workflow: WorkflowInput }) {
  const { t, lang } = useWf();
  const { label } = useI18n();
  const { message } = App.useApp();
  const designer = useDesigner();
  const publish = usePublish(designer.tenant);
  const canvasRef = useRef<HTMLDivElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [modeler, setModeler] = useState<Any>(null);
  const [selected, setSelected] = useState<Any>(null);
  const [, setVersion] = useState(0);
  const [settings, setSettings] = useState<WorkflowSettings>(() => settingsOf(workflow));
  const [dirty, setDirty] = useState(false);
  const [lint, setLint] = useState<SubsetProblem[]>([]);
  const [refusal, setRefusal] = useState<{ title: string; problems: Problem[] } | null>(null);
  const [published, setPublished] = useState<{ title: string; problems: Problem[] } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const saved = useRef(workflow.bpmn);
  const marked = useRef<string[]>([]);
  const current = useRef(workflow);
  current.current = workflow;

  /** Marks the elements with problems on the canvas (red outline). */
  const mark = useCallback((m: Any, ids: string[]) => {
    const canvas = m.get('canvas');
    const registry = m.get('elementRegistry');
    for (const id of marked.current) if (registry.get(id)) canvas.removeMarker(id, 'tg-problem');
    marked.current = ids.filter((id) => registry.get(id));
    for (const id of marked.current) canvas.addMarker(id, 'tg-problem');
  }, []);

  const check = useCallback(
    (m: Any) => {
      const problems = subsetProblems(m.getDefinitions() as ModdleElement, lang);
      setLint(problems);
      mark(
        m,
        problems.map((p) => p.id),
      );
      return problems;
    },
    [lang, mark],
  );

  const load = useCallback(
    async (m: Any, xml: string, imported: boolean) => {
      setLoadError(null);
      setRefusal(null);
      try {
        await m.importXML(xml);
        m.get('canvas').zoom('fit-viewport', 'auto');
        const problems = check(m).filter((p) => p.kind === 'unsupported');
        if (imported && problems.length) setRefusal({ title: t('importRefused'), problems });
        return true;
      } catch (e) {
        setLoadError(t('importFailed', { message: e instanceof Error ? e.message : String(e) }));
        return false;
      }
    },
    [check, t],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: one modeler per mounted editor
  useEffect(() => {
    if (!canvasRef.current) return;
    const m = new Modeler({
      container: canvasRef.current,
      additionalModules: [restrictModule],
      moddleExtensions: { tg: tangramModdle },
      tangram: { lang },
    } as never);
    const bus = m.get('eventBus') as Any;
    bus.on('selection.changed', (e: Any) => setSelected(e.newSelection.length === 1 ? e.newSelection[0] : null));
    bus.on('commandStack.changed', () => {
      setVersion((v) => v + 1);
      setDirty(true);
      check(m);
    });
    // The element a panel shows may be replaced (bpmn-replace): follow it.
    bus.on('elements.changed', () => setVersion((v) => v + 1));
    void load(m, current.current.bpmn, false).then(() => setDirty(false));
    setModeler(m);
    // The designer's own undo (Ctrl+Z on the page) must not fire for the canvas' keys.
    const stop = (e: KeyboardEvent) => e.stopPropagation();
    const el = canvasRef.current;
    el.addEventListener('keydown', stop);
    return () => {
      el.removeEventListener('keydown', stop);
      m.destroy();
    };
  }, []);

  // An outside change of the draft's entry (designer undo/redo) reloads the editor's state.
  useEffect(() => {
    if (!modeler || workflow.bpmn === saved.current) return;
    saved.current = workflow.bpmn;
    setSettings(settingsOf(workflow));
    void load(modeler, workflow.bpmn, false).then(() => setDirty(false));
  }, [workflow, modeler, load]);

  const services = useMemo(
    () => (modeler ? { modeling: modeler.get('modeling'), moddle: modeler.get('moddle'), canvas: modeler.get('canvas') } : null),
    [modeler],
  );
  const pick = (id: string) => {
    if (!modeler) return;
    const el = modeler.get('elementRegistry').get(id);
    if (el) modeler.get('selection').select(el);
  };

  /** Writes the workflow into the draft; false (and the refusal shown) when the diagram is outside the subset. */
  async function save(): Promise<boolean> {
    if (!modeler) return false;
    const problems = check(modeler).filter((p) => p.kind === 'unsupported');
    if (problems.length) {
      setRefusal({ title: t('refused'), problems });
      return false;
    }
    setRefusal(null);
    const { xml } = await modeler.saveXML({ format: true });
    saved.current = xml;
    designer.execute(putWorkflow(current.current, { ...settings, bpmn: xml }));
    setDirty(false);
    return true;
  }

  async function publishNow() {
    setPublished(null);
    if (dirty && !(await save())) return;
    try {
      await designer.flush();
      await publish.mutateAsync(`${t('publish')}：${label(settings.label, settings.name)}`);
      message.success(t('publishedOk'));
    } catch (e) {
      const ids = new Set<string>(
        modeler
          ? modeler
              .get('elementRegistry')
              .getAll()
              .map((x: Any) => x.id as string)
          : [],
      );
      // Problems of other workflows (/workflows/<j>/…) are listed, but not placed on this diagram.
      const mine = workflowsOf(designer.doc).findIndex((w) => w.name === settings.name);
      const elementOf = (path: string | undefined, message: string) => {
        const other = /^\/workflows\/(\d+)(\/|$)/.exec(path ?? '');
        return other && Number(other[1]) !== mine ? '' : elementIn(path, message, ids);
      };
      const problems =
        e instanceof ApiError && e.problems.length
          ? e.problems.map((p) => ({
              id: elementOf(p.path ?? (p as { field?: string }).field, p.message),
              message: p.path ? `${p.path}: ${p.message}` : p.message,
            }))
          : [{ id: '', message: describeError(e) }];
      setPublished({ title: t('publishProblems'), problems });
      if (modeler) mark(modeler, problems.map((p) => p.id).filter(Boolean));
    }
  }

  async function importFile(file: File) {
    if (!modeler) return;
    const xml = await file.text();
    if (await load(modeler, xml, true)) setDirty(true);
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="workflow-editor">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space>
          <Link to={`/t/${designer.tenant}/design/workflows`} aria-label={t('back')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {label(settings.label, settings.name)}
          </Typography.Title>
          {dirty ? <Tag color="orange">{t('unsaved')}</Tag> : <Tag data-testid="workflow-saved">{t('saved')}</Tag>}
        </Space>
        <Space wrap>
          <input
            ref={fileRef}
            type="file"
            accept=".bpmn,.xml,application/xml,text/xml"
            aria-label={t('import')}
            data-testid="bpmn-file"
            style={{ display: 'none' }}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
          <Button icon={<UploadOutlined />} onClick={() => fileRef.current?.click()}>
            {t('import')}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            onClick={async () => {
              if (modeler) download(settings.name, (await modeler.saveXML({ format: true })).xml);
            }}
          >
            {t('export')}
          </Button>
          <Button icon={<SaveOutlined />} onClick={() => void save()} data-testid="workflow-save">
            {t('save')}
          </Button>
          <Button type="primary" icon={<CloudUploadOutlined />} loading={publish.isPending} onClick={() => void publishNow()} data-testid="workflow-publish">
            {t('publish')}
          </Button>
        </Space>
      </Space>
      {loadError && <Alert type="error" showIcon message={loadError} data-testid="workflow-load-error" />}
      {refusal && <ProblemList title={refusal.title} problems={refusal.problems} type="error" onPick={pick} testId="workflow-refusal" />}
      {published && <ProblemList title={published.title} problems={published.problems} type="error" onPick={pick} testId="workflow-publish-problems" />}
      <div style={{ display: 'flex', gap: 12, alignItems: 'stretch' }}>
        <div className="tg-modeler" ref={canvasRef} data-testid="bpmn-canvas" style={{ flex: 1, minWidth: 0 }} />
        <div style={{ width: 380, flexShrink: 0, maxHeight: 640, overflow: 'auto' }}>
          {services && (
            <SidePanel
              services={services}
              element={selected}
              settings={settings}
              onSettings={(next) => {
                setSettings(next);
                setDirty(true);
              }}
              objects={designer.doc.objects}
              tenant={designer.tenant}
            />
          )}
        </div>
      </div>
      <Card size="small" title={t('problems')} data-testid="workflow-lint">
        {lint.length === 0 ? (
          <Typography.Text type="secondary">{t('noProblems')}</Typography.Text>
        ) : (
          <List
            size="small"
            dataSource={lint}
            renderItem={(p) => (
              <List.Item data-kind={p.kind}>
                <Space>
                  <Tag color={p.kind === 'graph' ? 'orange' : 'red'}>{t(`kind.${p.kind}`)}</Tag>
                  {p.id ? <Typography.Link onClick={() => pick(p.id)}>{p.message}</Typography.Link> : <Typography.Text>{p.message}</Typography.Text>}
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
    </Space>
  );
}

/** The route's page: the workflow of the URL, or a note that there is none. */
export default function WorkflowEditorPage() {
  const { name } = useParams();
  const { t } = useWf();
  const designer = useDesigner();
  const w = workflowsOf(designer.doc).find((x) => x.name === name);
  if (!w) return <Empty description={t('notFound')} />;
  return <Editor key={w.name} workflow={w} />;
}
