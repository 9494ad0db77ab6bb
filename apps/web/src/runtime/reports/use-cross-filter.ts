import { useState } from 'react';
import type { DashboardFilterValues, ReportView } from '../../api/reports';
import { sameCell } from './pivot';
import type { CellText } from './report-widget';

/** A cell clicked in one widget of a dashboard: the widget, its report and the cell's values and labels. */
export interface PickedCell {
  widget: string;
  title: string;
  report: ReportView;
  cell: Record<string, unknown>;
  text: CellText;
}

/**
 * A dashboard's cross filter: a click on a cell selects it (again: clears it), and every other
 * widget runs with `filters.cross`; the widget it comes from runs without. A cell with no
 * dimension values (a KPI card) has nothing to filter by: a click lists its records instead.
 */
export function useCrossFilter(filters: DashboardFilterValues) {
  const [cross, setCross] = useState<PickedCell | null>(null);
  const [drill, setDrill] = useState<PickedCell | null>(null);
  const pick = (picked: PickedCell) => {
    if (!Object.keys(picked.cell).length) setDrill(picked);
    else setCross((c) => (c?.widget === picked.widget && sameCell(c.cell, picked.cell) ? null : picked));
  };
  const filtersFor = (widget: string): DashboardFilterValues =>
    cross && cross.widget !== widget ? { ...filters, cross: { report: cross.report.name, cell: cross.cell } } : filters;
  const selectedIn = (widget: string) => (cross?.widget === widget ? cross.cell : null);
  return {
    cross,
    drill,
    pick,
    filtersFor,
    selectedIn,
    clear: () => setCross(null),
    showRecords: () => setDrill(cross),
    closeRecords: () => setDrill(null),
  };
}
