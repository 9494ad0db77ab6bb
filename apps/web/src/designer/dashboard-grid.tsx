import { DragOutlined } from '@ant-design/icons';
import type { DashboardWidgetInput } from '@tangram/metadata';
import { Typography } from 'antd';
import { type PointerEvent as ReactPointerEvent, useRef, useState } from 'react';
import { type DropTargetMonitor, useDrag, useDrop } from 'react-dnd';
import { useI18n } from '../i18n/i18n';
import { clampPlace, editorGrid, gridColumns, type Place } from './dashboard-layout';

// The dashboard editor's grid: each widget a box on the 12 columns, moved by dragging its header
// (react-dnd, as the rest of the designer) and resized by its corner handle (pointer events: a
// resize is not a drop anywhere). Where it lands is decided by placeWidget, which pushes others down.

const widgetItem = 'dashboard-widget';
const columnNumbers = Array.from({ length: gridColumns }, (_, i) => i);
const resizeKeys: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
const { rowHeight, gap } = editorGrid;

interface DraggedWidget {
  id: string;
  w: number;
  h: number;
}

/** The grid's column and row pitch in pixels, from its width. */
function pitch(grid: HTMLElement | null): { col: number; row: number; left: number; top: number } {
  const rect = grid?.getBoundingClientRect() ?? { width: 1200, left: 0, top: 0 };
  return { col: (rect.width + gap) / gridColumns, row: rowHeight + gap, left: rect.left, top: rect.top };
}

const areaOf = (p: Place) => ({ gridColumn: `${p.x + 1} / span ${p.w}`, gridRow: `${p.y + 1} / span ${p.h}` });

function WidgetBox(props: { widget: DashboardWidgetInput; title: string; onPlace(place: Partial<Place>): void; grid: React.RefObject<HTMLDivElement | null> }) {
  const { widget, title, onPlace, grid } = props;
  const { t } = useI18n();
  const [resized, setResized] = useState<Place | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);
  const [{ dragging }, drag] = useDrag(
    () => ({ type: widgetItem, item: { id: widget.id, w: widget.w, h: widget.h }, collect: (m) => ({ dragging: m.isDragging() }) }),
    [widget.id, widget.w, widget.h],
  );
  const sizeAt = (e: ReactPointerEvent<HTMLElement>): Place => {
    const p = pitch(grid.current);
    const from = start.current ?? { x: e.clientX, y: e.clientY };
    return clampPlace({ ...widget, w: widget.w + (e.clientX - from.x) / p.col, h: widget.h + (e.clientY - from.y) / p.row });
  };
  const place = resized ?? widget;
  return (
    <div
      data-testid={`grid-widget-${widget.id}`}
      data-place={`${place.x},${place.y},${place.w},${place.h}`}
      style={{
        ...areaOf(place),
        position: 'relative',
        zIndex: 1,
        opacity: dragging ? 0.4 : 1,
        border: `1px solid ${resized ? '#1668dc' : '#d9d9d9'}`,
        borderRadius: 6,
        background: '#fff',
        minWidth: 0,
        overflow: 'hidden',
      }}
    >
      <div
        ref={(el) => void drag(el)}
        data-testid={`grid-move-${widget.id}`}
        title={t('builder.gridMove')}
        style={{ cursor: 'move', padding: '4px 8px', background: '#fafafa', borderBottom: '1px solid #f0f0f0', display: 'flex', gap: 6, alignItems: 'center' }}
      >
        <DragOutlined />
        <Typography.Text strong ellipsis style={{ flex: 1 }}>
          {title}
        </Typography.Text>
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12, padding: '4px 8px', display: 'block' }}>
        {place.w} × {place.h}
      </Typography.Text>
      <button
        type="button"
        data-testid={`grid-resize-${widget.id}`}
        aria-label={t('builder.gridResize', { title })}
        title={t('builder.gridResizeKeys')}
        style={{
          position: 'absolute',
          right: 0,
          bottom: 0,
          width: 16,
          height: 16,
          padding: 0,
          border: 0,
          background: 'none',
          cursor: 'nwse-resize',
          touchAction: 'none',
        }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          start.current = { x: e.clientX, y: e.clientY };
          setResized(widget);
        }}
        onPointerMove={(e) => start.current && setResized(sizeAt(e))}
        onPointerUp={(e) => {
          if (!start.current) return;
          const { w, h } = sizeAt(e);
          start.current = null;
          setResized(null);
          onPlace({ w, h });
        }}
        // The arrow keys resize by one column or row, so a keyboard can do what the pointer does.
        onKeyDown={(e) => {
          const step = resizeKeys[e.key];
          if (!step) return;
          e.preventDefault();
          onPlace({ w: widget.w + step[0], h: widget.h + step[1] });
        }}
      >
        <svg viewBox="0 0 16 16" width={16} height={16} aria-hidden="true">
          <path d="M14 6 L6 14 M14 10 L10 14" stroke="#8c8c8c" strokeWidth={1.5} />
        </svg>
      </button>
    </div>
  );
}

/**
 * The dashboard's widgets placed on the 12-column grid as the runtime draws them: drag a header to
 * move a widget, its corner to resize it; `onPlace` gets the widget and where it was put.
 */
export function DashboardGrid(props: {
  widgets: DashboardWidgetInput[];
  titleOf(w: DashboardWidgetInput): string;
  onPlace(id: string, place: Partial<Place>): void;
}) {
  const { widgets, titleOf, onPlace } = props;
  const grid = useRef<HTMLDivElement>(null);
  // Where a dragged widget's top-left corner is over the grid, to the nearest cell.
  const target = (monitor: DropTargetMonitor<DraggedWidget>): Place | null => {
    const offset = monitor.getSourceClientOffset();
    const item = monitor.getItem();
    if (!offset || !item) return null;
    const p = pitch(grid.current);
    return clampPlace({ x: (offset.x - p.left) / p.col, y: (offset.y - p.top) / p.row, w: item.w, h: item.h });
  };
  const [{ preview }, drop] = useDrop(
    () => ({
      accept: widgetItem,
      drop: (item: DraggedWidget, monitor) => {
        const place = target(monitor);
        if (place) onPlace(item.id, { x: place.x, y: place.y });
      },
      collect: (monitor) => ({ preview: monitor.isOver() ? target(monitor) : null }),
    }),
    [onPlace],
  );
  const rows = Math.max(6, ...widgets.map((w) => w.y + w.h), preview ? preview.y + preview.h : 0) + 2;
  return (
    <div
      ref={(el) => {
        grid.current = el;
        void drop(el);
      }}
      data-testid="dashboard-grid"
      style={{ position: 'relative', display: 'grid', gridTemplateColumns: `repeat(${gridColumns}, minmax(0, 1fr))`, gridAutoRows: rowHeight, gap }}
    >
      {/* The columns, drawn behind the widgets to show where they can go. */}
      {columnNumbers.map((c) => (
        <div key={c} data-col={c} style={{ gridColumn: c + 1, gridRow: `1 / span ${rows}`, background: '#f5f7fa', borderRadius: 4 }} />
      ))}
      {preview && <div style={{ ...areaOf(preview), zIndex: 2, border: '2px dashed #1668dc', borderRadius: 6, background: 'rgba(22, 104, 220, 0.08)' }} />}
      {widgets.map((w) => (
        <WidgetBox key={w.id} widget={w} title={titleOf(w)} grid={grid} onPlace={(place) => onPlace(w.id, place)} />
      ))}
    </div>
  );
}
