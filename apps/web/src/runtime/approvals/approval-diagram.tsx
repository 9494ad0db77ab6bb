import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './approval-diagram.css';
import { Alert } from 'antd';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { type DiagramMarks, passedThrough } from './marks';

interface Canvas {
  zoom(level: 'fit-viewport', center?: 'auto'): number;
  resized(): void;
  addMarker(element: string, marker: string): void;
}
interface Shape {
  id: string;
  type: string;
  waypoints?: unknown;
  source?: { id: string };
  target?: { id: string };
}
interface Registry {
  get(id: string): unknown;
  getAll(): Shape[];
}

/**
 * The diagram an instance runs, read-only with pan and zoom (bpmn-js NavigatedViewer, in this
 * lazily loaded chunk), its steps marked: `tg-current` (open now), `tg-done`, `tg-failed`.
 */
export default function ApprovalDiagram({ xml, marks, height }: { xml: string; marks: DiagramMarks; height: number }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  // The marks by value (the panel makes a new object on each render): the effect runs again only when they change.
  const key = JSON.stringify(marks);
  useEffect(() => {
    if (!box.current) return;
    const wanted = JSON.parse(key) as DiagramMarks;
    const viewer = new NavigatedViewer({ container: box.current });
    let alive = true;
    let resize: ResizeObserver | undefined;
    setReady(false);
    setError(null);
    viewer
      .importXML(xml)
      .then(() => {
        if (!alive) return;
        const canvas = viewer.get('canvas') as Canvas;
        const registry = viewer.get('elementRegistry') as Registry;
        const mark = (ids: string[], marker: string) => {
          for (const id of new Set(ids)) if (registry.get(id)) canvas.addMarker(id, marker);
        };
        const current = new Set(wanted.current);
        const all = registry.getAll();
        const graph = {
          nodes: all.filter((e) => !e.waypoints && e.type.startsWith('bpmn:')).map((e) => ({ id: e.id, type: e.type })),
          flows: all.flatMap((e) => (e.type === 'bpmn:SequenceFlow' && e.source && e.target ? [{ from: e.source.id, to: e.target.id }] : [])),
        };
        mark(wanted.failed, 'tg-failed');
        mark(
          [...wanted.done, ...passedThrough(graph, wanted)].filter((id) => !current.has(id)),
          'tg-done',
        );
        mark(wanted.current, 'tg-current');
        if (box.current && box.current.clientWidth > 0 && box.current.clientHeight > 0) canvas.zoom('fit-viewport', 'auto');
        // The box takes its final size after the layout settles (a phone's stacked columns): fit again then.
        if (box.current && typeof ResizeObserver !== 'undefined') {
          resize = new ResizeObserver(([entry]) => {
            // A box without a size (hidden, or going away) has no fit.
            if (!alive || !entry || entry.contentRect.width < 1 || entry.contentRect.height < 1) return;
            canvas.resized();
            canvas.zoom('fit-viewport', 'auto');
          });
          resize.observe(box.current);
        }
        setReady(true);
      })
      .catch((e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
      resize?.disconnect();
      viewer.destroy();
    };
  }, [xml, key]);
  return (
    <div style={{ height }}>
      {error && <Alert type="warning" showIcon message={t('approvals.diagramFailed', { message: error })} />}
      <div
        ref={box}
        className="tg-approval-diagram"
        data-testid="approval-diagram"
        data-ready={ready ? 'true' : undefined}
        style={{ display: error ? 'none' : undefined }}
      />
    </div>
  );
}
