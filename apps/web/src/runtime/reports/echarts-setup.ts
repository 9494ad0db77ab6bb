// ECharts with only the charts and parts the dashboards draw, in its own chunk: it is imported
// dynamically by echart.tsx, so pages without a chart never load it. Dashboards draw SVG; the
// canvas renderer draws a chart again for a PNG export.
import { BarChart, FunnelChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

use([BarChart, LineChart, PieChart, FunnelChart, GaugeChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer, CanvasRenderer]);

export { init };
