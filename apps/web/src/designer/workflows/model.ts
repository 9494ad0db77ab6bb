import { buildProcess, checkDefinitions, isoMinutes, jsonLogicLanguage, processProblems } from '@tangram/bpmn';
import { type Lang, wfText } from './messages';

// The diagram side of a workflow: a new diagram, the supported BPMN subset checked on the moddle
// tree (what the modeler holds, or a file read by bpmn-moddle), and the `tg:` attributes' values.

export type { Lang };
export { jsonLogicLanguage };

/** A moddle element as bpmn-js and bpmn-moddle hand it out (only what is read here). */
export interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  get(name: string): unknown;
  [key: string]: unknown;
}

/** Minutes of an ISO-8601 duration (PT30M, P1D, P1DT2H) as the reader takes it; undefined when it is none or zero. */
export function durationMinutes(iso: string | undefined): number | undefined {
  const m = iso === undefined ? undefined : isoMinutes(iso.trim());
  return m !== undefined && m > 0 ? m : undefined;
}

/** An ISO-8601 duration of whole minutes: PT45M, PT2H, P1D, P1DT2H30M. */
export function isoDuration(minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  const days = Math.floor(whole / 1440);
  const hours = Math.floor((whole % 1440) / 60);
  const mins = whole % 60;
  const time = `${hours ? `${hours}H` : ''}${mins ? `${mins}M` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** A JSON attribute's value (tg:approvers, tg:fields, tg:actions); `fallback` when unset, undefined when not JSON. */
export function readJson<T>(el: ModdleElement, attr: string, fallback: T): T | undefined {
  const text = el.get(attr);
  if (typeof text !== 'string' || text.trim() === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export interface SubsetProblem {
  /** The element's id (a diagram element of the same id shows the problem), or '' for the file. */
  id: string;
  message: string;
  /**
   * unsupported: outside the subset (saving is refused); invalid: a tg: attribute, timer or
   * condition that cannot be read; graph: the process is not yet complete (publish refuses both).
   */
  kind: 'unsupported' | 'invalid' | 'graph';
}

/** Elements by id, to name them in messages. */
function elementsById(definitions: ModdleElement): Map<string, ModdleElement> {
  const byId = new Map<string, ModdleElement>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 40 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    const el = v as ModdleElement;
    if (typeof el.$type !== 'string') return;
    if (el.id && !byId.has(el.id)) byId.set(el.id, el);
    for (const key of [
      'rootElements',
      'flowElements',
      'artifacts',
      'participants',
      'messageFlows',
      'laneSets',
      'lanes',
      'eventDefinitions',
      'loopCharacteristics',
    ])
      walk(el[key], depth + 1);
  };
  walk(definitions, 0);
  return byId;
}

/**
 * What of a diagram @tangram/bpmn's reader (the one publish uses) would refuse, each naming its
 * element: elements outside the subset (by type, name and id, in the user's language), tg:
 * attributes, timers or conditions it cannot read, and, once those are clean, the graph's problems
 * (no way from the start to an end, a task with two flows out, …). Empty: publish reads it.
 */
export function subsetProblems(definitions: ModdleElement, lang: Lang = 'zh-CN'): SubsetProblem[] {
  const { unsupported, invalid } = checkDefinitions(definitions as never);
  const byId = elementsById(definitions);
  const named = (id: string) => {
    const el = byId.get(id);
    return el?.name ? `「${el.name}」（${id}）` : `（${id}）`;
  };
  const out: SubsetProblem[] = unsupported.map((p) => {
    const id = p.path ?? '';
    const el = byId.get(id);
    // The reader says what is wrong: "<type, with what> "<id>" is not supported".
    const what = /^(.*) "[^"]*" is not supported$/.exec(p.message)?.[1] ?? String((p as { element?: string }).element ?? el?.$type ?? '');
    const name = el?.name ? wfText(lang, 'subset.name', { name: el.name }) : '';
    return { id, kind: 'unsupported', message: wfText(lang, 'subset.unsupported', { type: what, name, id }) };
  });
  for (const p of invalid)
    out.push({ id: p.path && byId.has(p.path) ? p.path : '', kind: 'invalid', message: `${p.path && byId.has(p.path) ? named(p.path) : ''}${p.message}` });
  if (!out.length)
    for (const p of processProblems(buildProcess(definitions as never)))
      out.push({ id: p.path && byId.has(p.path) ? p.path : '', kind: 'graph', message: `${p.path && byId.has(p.path) ? named(p.path) : ''}${p.message}` });
  return out;
}
