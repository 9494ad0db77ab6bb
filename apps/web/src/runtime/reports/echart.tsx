import type { ECharts } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { ErrorBox, Loading } from '../loading';
import type { ChartPlan } from './chart-options';

/**
 * One ECharts chart, drawn as SVG (crisp, and each mark is an element). ECharts itself is loaded
 * on first use (echarts-setup, its own chunk), so it never weighs on pages without charts.
 */
export function EChart({ plan, onCell, label }: { plan: ChartPlan; onCell(cell: Record<string, unknown>): void; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const click = useRef({ plan, onCell });
  click.current = { plan, onCell };
  const [state, setState] = useState<'loading' | 'ready' | Error>('loading');

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    import('./echarts-setup')
      .then(({ init }) => {
        if (disposed || !host.current) return;
        const c = init(host.current, undefined, { renderer: 'svg' });
        c.on('click', (p) => {
          const cell = click.current.plan.cellOf({ dataIndex: p.dataIndex, seriesIndex: p.seriesIndex });
          if (cell) click.current.onCell(cell);
        });
        observer = new ResizeObserver(() => c.resize());
        observer.observe(host.current);
        chart.current = c;
        setState('ready');
      })
      .catch((e: unknown) => setState(e instanceof Error ? e : new Error(String(e))));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (state === 'ready') chart.current?.setOption({ aria: { enabled: true }, animation: false, ...plan.option }, true);
  }, [plan, state]);

  return (
    <div style={{ position: 'relative', width: '100%', height: '100%', minHeight: 160 }}>
      <div ref={host} role="img" aria-label={label} data-testid="chart" data-ready={state === 'ready'} style={{ position: 'absolute', inset: 0 }} />
      {state === 'loading' && <Loading />}
      {state instanceof Error && <ErrorBox error={state} />}
    </div>
  );
}
