import type { ChartPlan } from './chart-options';
import type { Sheet } from './pivot-sheet';

// Exports of a dashboard widget. ExcelJS and ECharts are imported on first use, each in its own
// chunk, so neither weighs on the pages' initial JavaScript.

/** Hands a file to the browser as a download. */
function save(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}

/** A file name from a widget's title: characters that file systems refuse become `_`. */
export const fileName = (title: string, ext: string) => `${title.replace(/[\\/:*?"<>|]+/g, '_').trim() || 'report'}.${ext}`;

/** Writes a sheet as an .xlsx workbook (one worksheet, headings frozen and bold) and downloads it. */
export async function downloadXlsx(sheet: Sheet, title: string): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet(title.slice(0, 31).replace(/[\\/?*[\]:]/g, '_') || 'report', {
    views: [{ state: 'frozen', ySplit: sheet.headerRows }],
  });
  sheet.rows.forEach((cells, r) => {
    const row = ws.getRow(r + 1);
    cells.forEach((cell, c) => {
      if (cell === null) return;
      const target = row.getCell(c + 1);
      if (typeof cell === 'string') target.value = cell;
      else {
        target.value = cell.value;
        if (cell.numFmt) target.numFmt = cell.numFmt;
      }
    });
    if (r < sheet.headerRows) row.font = { bold: true };
  });
  for (const [top, left, bottom, right] of sheet.merges) ws.mergeCells(top, left, bottom, right);
  ws.columns.forEach((col) => {
    col.width = Math.min(40, Math.max(10, ...(col.values ?? []).map((v) => String(v ?? '').length * 2)));
  });
  const buffer = await book.xlsx.writeBuffer();
  const url = URL.createObjectURL(new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  save(url, fileName(title, 'xlsx'));
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Draws a chart's plan again on a canvas (the dashboard draws SVG) at the size it shows, and
 * downloads it as a PNG at twice the pixels, on white.
 */
export async function downloadPng(plan: ChartPlan, size: { width: number; height: number }, title: string): Promise<void> {
  const { init } = await import('./echarts-setup');
  const host = document.createElement('div');
  const chart = init(host, undefined, { renderer: 'canvas', width: Math.max(320, size.width), height: Math.max(200, size.height) });
  try {
    chart.setOption({ animation: false, ...plan.option });
    save(chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }), fileName(title, 'png'));
  } finally {
    chart.dispose();
  }
}
