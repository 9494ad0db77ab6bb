/// <reference path="./bpmn-moddle.d.ts" />
import { AppError, type Problem } from '@tangram/errors';
import {
  type ApprovalMode,
  type Flow,
  type Process,
  type ProcessNode,
  type StepFieldAccess,
  type UserTaskNode,
  approverKinds,
  compileProcess,
} from '@tangram/metadata';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import descriptor from './descriptor.json' with { type: 'json' };

// The reader of Tangram's BPMN dialect: BPMN 2.0 XML of the supported subset with `tg:`
// attributes (descriptor.json) → the Process the interpreter runs. One walk over the moddle tree
// (checkDefinitions) finds what lies outside the subset and what is wrong in the tg: attributes;
// processFromBpmn refuses on it, and the bpmnlint rules (lint.ts) report the same problems.

/** The moddle extension of Tangram's attributes: `new BpmnModdle({ tg: tangramModdle })`, `new Modeler({ moddleExtensions: { tg: tangramModdle } })`. */
export const tangramModdle = descriptor;

/** The JSON Logic language of a sequence flow's conditionExpression. */
export const jsonLogicLanguage = 'application/json-logic+json';

const modes: readonly ApprovalMode[] = ['any', 'all', 'sequential', 'ratio'];
const whenNobody = ['approve', 'admins', 'refuse'] as const;
const onReject = ['end', 'submitter'] as const;
const timeoutActions = ['remind', 'approve', 'reject'] as const;
const fieldAccess: readonly StepFieldAccess[] = ['hidden', 'read', 'edit'];

/** Elements read into nodes (or flattened: subProcess). */
const nodeTypes = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:IntermediateCatchEvent',
  'bpmn:SubProcess',
]);
/** Artifacts that change nothing in the process (kept in the diagram, ignored by the reader). */
const ignoredArtifacts = new Set(['bpmn:TextAnnotation', 'bpmn:Association']);

/** What the walk found: elements outside the subset, and tg: attributes or expressions that are not valid. */
export interface SubsetCheck {
  unsupported: Problem[];
  invalid: Problem[];
}

/** The supported subset, in words (docs and the modeler's messages). */
export const supportedElements = [
  'bpmn:StartEvent (none)',
  'bpmn:EndEvent (none)',
  'bpmn:UserTask',
  'bpmn:ServiceTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:IntermediateCatchEvent (timer, timeDuration)',
  'bpmn:SequenceFlow',
  'bpmn:SubProcess (embedded)',
  'bpmn:Collaboration with one participant (pool) showing the process',
];

const typeName = (e: ModdleElement) => e.$type;

/**
 * Walks a parsed bpmn:Definitions and reports every element outside the subset (WORKFLOW_BPMN_UNSUPPORTED,
 * path = the element's id, message names its type) and every tg: attribute, timer or condition
 * that cannot be read (WORKFLOW_INVALID, path = the element's id).
 */
export function checkDefinitions(definitions: ModdleElement): SubsetCheck {
  const unsupported: Problem[] = [];
  const invalid: Problem[] = [];
  const refuse = (e: ModdleElement, what = typeName(e)) =>
    unsupported.push({
      code: 'WORKFLOW_BPMN_UNSUPPORTED',
      path: e.id ?? typeName(e),
      element: typeName(e),
      message: `${what} "${e.id ?? ''}" is not supported`,
    });
  const processes = (definitions.rootElements ?? []).filter((r: ModdleElement) => typeName(r) === 'bpmn:Process');
  if (!processes.length) invalid.push({ code: 'WORKFLOW_INVALID', path: definitions.id ?? 'definitions', message: 'the diagram has no process' });
  // A pool around the process is drawing only: one participant showing it, nothing else but annotations.
  const collaboration = (c: ModdleElement, process: ModdleElement | undefined) => {
    const participants: ModdleElement[] = c.participants ?? [];
    for (const x of participants)
      if (!process || x.processRef !== process || participants.length > 1) refuse(x, `${typeName(x)} (only one pool, showing the process)`);
    for (const prop of ['messageFlows', 'conversations', 'conversationLinks', 'correlationKeys', 'choreographyRef'] as const)
      for (const x of c[prop] ?? []) refuse(x);
    for (const a of c.artifacts ?? []) if (!ignoredArtifacts.has(typeName(a))) refuse(a);
  };
  const container = (c: ModdleElement) => {
    for (const prop of ['ioSpecification', 'properties', 'resources', 'loopCharacteristics'] as const) {
      const v = c[prop];
      for (const x of Array.isArray(v) ? v : v ? [v] : []) refuse(x, `${typeName(x)} in ${typeName(c)} "${c.id}"`);
    }
    for (const a of c.artifacts ?? []) if (!ignoredArtifacts.has(typeName(a))) refuse(a);
    for (const e of c.flowElements ?? []) element(e);
  };
  const element = (e: ModdleElement) => {
    const t = typeName(e);
    if (t === 'bpmn:SequenceFlow') return condition(e);
    if (!nodeTypes.has(t)) return refuse(e);
    for (const prop of ['ioSpecification', 'properties', 'resources', 'loopCharacteristics', 'dataInputAssociations', 'dataOutputAssociations'] as const) {
      const v = e[prop];
      for (const x of Array.isArray(v) ? v : v ? [v] : []) refuse(x, `${typeName(x)} in ${t} "${e.id}"`);
    }
    if (e.isForCompensation) refuse(e, `${t} for compensation`);
    const defs: ModdleElement[] = e.eventDefinitions ?? [];
    if (t === 'bpmn:StartEvent' || t === 'bpmn:EndEvent') {
      if (defs.length) refuse(e, `${t} with ${defs.map(typeName).join(', ')}`);
    } else if (t === 'bpmn:IntermediateCatchEvent') {
      if (defs.length !== 1 || typeName(defs[0] as ModdleElement) !== 'bpmn:TimerEventDefinition')
        refuse(e, `${t} with ${defs.map(typeName).join(', ') || 'no event definition'} (only a timer)`);
      else timer(e, defs[0] as ModdleElement);
    } else if (t === 'bpmn:SubProcess') {
      if (e.triggeredByEvent) refuse(e, 'bpmn:SubProcess (event sub-process)');
      else container(e);
    } else if (t === 'bpmn:UserTask') userTaskAttributes(e, invalid);
    else if (t === 'bpmn:ServiceTask') serviceTaskAttributes(e, invalid);
  };
  const timer = (e: ModdleElement, def: ModdleElement) => {
    if (def.timeDate || def.timeCycle || !def.timeDuration)
      return refuse(e, `bpmn:IntermediateCatchEvent with ${def.timeDate ? 'timeDate' : def.timeCycle ? 'timeCycle' : 'no timeDuration'}`);
    if (isoMinutes(String(def.timeDuration.body ?? '').trim()) === undefined)
      invalid.push({
        code: 'WORKFLOW_INVALID',
        path: e.id,
        message: `the timer's duration "${def.timeDuration.body ?? ''}" is not an ISO-8601 duration such as PT30M or P1D (weeks, days, hours, minutes, seconds)`,
      });
  };
  const condition = (f: ModdleElement) => {
    const c = f.conditionExpression as ModdleElement | undefined;
    if (!c) return;
    if (c.language !== jsonLogicLanguage)
      return refuse(f, `bpmn:SequenceFlow with a condition in ${c.language ? `"${c.language}"` : 'no language'} (only ${jsonLogicLanguage})`);
    if (String(c.body ?? '').trim() && json(c.body) === undefined)
      invalid.push({ code: 'WORKFLOW_INVALID', path: f.id, message: 'the condition is not JSON (JSON Logic)' });
  };
  for (const r of definitions.rootElements ?? []) {
    if (r === processes[0]) continue;
    if (typeName(r) === 'bpmn:Process') refuse(r, 'a second bpmn:Process');
    else if (typeName(r) === 'bpmn:Collaboration') collaboration(r, processes[0]);
    else refuse(r);
  }
  for (const p of processes) container(p);
  return { unsupported, invalid };
}

function json(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return undefined;
  }
}

/** Minutes of an ISO-8601 duration of weeks, days, hours, minutes and seconds (PT30M, P1D, P1DT12H); undefined if it is not one. */
export function isoMinutes(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number];
  return w * 7 * 1440 + d * 1440 + h * 60 + min + s / 60;
}

const attr = (e: ModdleElement, name: string) => e.get(`tg:${name}`);

function oneOf<T extends string>(e: ModdleElement, name: string, allowed: readonly T[], invalid: Problem[]): T | undefined {
  const v = attr(e, name);
  if (v === undefined || v === '') return undefined;
  if (!allowed.includes(v)) invalid.push({ code: 'WORKFLOW_INVALID', path: e.id, message: `tg:${name} is "${v}": one of ${allowed.join(', ')}` });
  return v;
}

function jsonAttr(e: ModdleElement, name: string, invalid: Problem[], shape: 'array' | 'object'): any {
  const v = attr(e, name);
  if (v === undefined || v === '') return undefined;
  const parsed = json(v);
  const ok = shape === 'array' ? Array.isArray(parsed) : typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  if (!ok) {
    invalid.push({ code: 'WORKFLOW_INVALID', path: e.id, message: `tg:${name} is not a JSON ${shape}` });
    return undefined;
  }
  return parsed;
}

function userTaskAttributes(e: ModdleElement, invalid: Problem[]): Omit<UserTaskNode, 'id' | 'kind' | 'name'> {
  const bad = (message: string) => invalid.push({ code: 'WORKFLOW_INVALID', path: e.id, message });
  const out: Omit<UserTaskNode, 'id' | 'kind' | 'name'> = { mode: oneOf(e, 'mode', modes, invalid) ?? 'any' };
  const ratio = attr(e, 'ratio');
  if (ratio !== undefined) {
    if (!Number.isFinite(ratio)) bad('tg:ratio is not a number');
    else out.ratio = ratio;
  }
  const approvers = jsonAttr(e, 'approvers', invalid, 'array');
  if (approvers) {
    const kinds: readonly string[] = approverKinds;
    approvers.forEach((r: unknown, i: number) => {
      const kind = (r as { kind?: unknown } | null)?.kind;
      if (typeof r !== 'object' || r === null || typeof kind !== 'string' || !kinds.includes(kind))
        bad(`tg:approvers[${i}] needs a kind: one of ${approverKinds.join(', ')}`);
    });
    out.approvers = approvers;
  }
  const nobody = oneOf(e, 'whenNobody', whenNobody, invalid);
  if (nobody) out.whenNobody = nobody;
  const reject = oneOf(e, 'onReject', onReject, invalid);
  if (reject) out.onReject = reject;
  const [submitter, repeated] = [attr(e, 'autoApproveSubmitter'), attr(e, 'autoApproveRepeated')];
  if (submitter !== undefined || repeated !== undefined)
    out.autoApprove = { ...(submitter !== undefined && { submitter: Boolean(submitter) }), ...(repeated !== undefined && { repeated: Boolean(repeated) }) };
  const minutes = attr(e, 'timeoutMinutes');
  const action = oneOf(e, 'timeoutAction', timeoutActions, invalid);
  if (minutes !== undefined) out.timeout = { minutes, action: action ?? 'remind' };
  else if (action) bad('tg:timeoutAction needs tg:timeoutMinutes');
  const fields = jsonAttr(e, 'fields', invalid, 'object');
  if (fields) {
    for (const [name, access] of Object.entries(fields))
      if (!fieldAccess.includes(access as StepFieldAccess)) bad(`tg:fields: "${name}" is "${String(access)}": one of ${fieldAccess.join(', ')}`);
    out.fields = fields;
  }
  return out;
}

function serviceTaskAttributes(e: ModdleElement, invalid: Problem[]): unknown[] | undefined {
  const actions = jsonAttr(e, 'actions', invalid, 'array');
  if (actions)
    actions.forEach((a: unknown, i: number) => {
      if (typeof a !== 'object' || a === null || typeof (a as { kind?: unknown }).kind !== 'string')
        invalid.push({ code: 'WORKFLOW_INVALID', path: e.id, message: `tg:actions[${i}] is not an action (an object with a kind)` });
    });
  return actions;
}

/** Parses BPMN XML with the tg extension; unparseable XML, another root or unknown bpmn elements → WORKFLOW_BPMN_INVALID. */
export async function parseBpmn(xml: string): Promise<ModdleElement> {
  const moddle = new BpmnModdle({ tg: tangramModdle });
  let result: Awaited<ReturnType<BpmnModdle['fromXML']>>;
  try {
    result = await moddle.fromXML(String(xml), 'bpmn:Definitions');
  } catch (e) {
    throw AppError.problems('WORKFLOW_BPMN_INVALID', [{ code: 'WORKFLOW_BPMN_INVALID', message: firstLine(e) }]);
  }
  if (result.warnings.length)
    throw AppError.problems(
      'WORKFLOW_BPMN_INVALID',
      result.warnings.map((w) => ({ code: 'WORKFLOW_BPMN_INVALID', ...(w.element?.id && { path: w.element.id }), message: firstLine(w) })),
    );
  return result.rootElement;
}

const firstLine = (e: unknown) => String((e as { message?: unknown })?.message ?? e).split('\n')[0] as string;

/**
 * The process of parsed definitions, sub-processes flattened: a sub-process's start event becomes a
 * pass-through (exclusive gateway) its incoming flows lead to, its end events pass-throughs into an
 * inclusive join that carries the sub-process's id and outgoing flows (it waits for every token
 * still inside). Assumes checkDefinitions found nothing; does not compile.
 */
export function buildProcess(definitions: ModdleElement): Process {
  const p = (definitions.rootElements ?? []).find((r: ModdleElement) => typeName(r) === 'bpmn:Process') as ModdleElement;
  const nodes: ProcessNode[] = [];
  const flows: Flow[] = [];
  const ignore: Problem[] = [];
  const named = (e: ModdleElement) => (e.name ? { name: String(e.name) } : {});
  const flattened = new Map<string, string>(); // node id → the BPMN element it stands for (sub-processes, their starts and ends)
  const redirectTo = new Map<string, string>(); // sub-process id → its inner start's id
  const exits: Flow[] = []; // a sub-process's end → its join
  const walk = (c: ModdleElement, sub?: ModdleElement) => {
    for (const e of c.flowElements ?? []) {
      const t = typeName(e);
      const base = { id: e.id as string, ...named(e) };
      if (t === 'bpmn:StartEvent') {
        if (sub) {
          nodes.push({ ...base, kind: 'exclusive' });
          flattened.set(e.id, `bpmn:StartEvent "${e.id}" of sub-process "${sub.id}"`);
          redirectTo.set(sub.id as string, e.id);
        } else nodes.push({ ...base, kind: 'start' });
      } else if (t === 'bpmn:EndEvent') {
        if (sub) {
          nodes.push({ ...base, kind: 'exclusive' });
          flattened.set(e.id, `bpmn:EndEvent "${e.id}" of sub-process "${sub.id}"`);
          exits.push({ id: `${e.id}__to__${sub.id}`, from: e.id, to: sub.id as string });
        } else nodes.push({ ...base, kind: 'end' });
      } else if (t === 'bpmn:UserTask') nodes.push({ ...base, kind: 'userTask', ...userTaskAttributes(e, ignore) });
      else if (t === 'bpmn:ServiceTask') {
        const actions = serviceTaskAttributes(e, ignore);
        nodes.push({ ...base, kind: 'serviceTask', ...(actions && { actions }) });
      } else if (t === 'bpmn:ExclusiveGateway') nodes.push({ ...base, kind: 'exclusive' });
      else if (t === 'bpmn:ParallelGateway') nodes.push({ ...base, kind: 'parallel' });
      else if (t === 'bpmn:InclusiveGateway') nodes.push({ ...base, kind: 'inclusive' });
      else if (t === 'bpmn:IntermediateCatchEvent') {
        const def = e.eventDefinitions[0] as ModdleElement;
        nodes.push({ ...base, kind: 'timer', minutes: isoMinutes(String(def.timeDuration.body).trim()) as number });
      } else if (t === 'bpmn:SubProcess') {
        nodes.push({ ...base, kind: 'inclusive' });
        flattened.set(e.id, `bpmn:SubProcess "${e.id}"`);
        walk(e, e);
      } else if (t === 'bpmn:SequenceFlow') {
        const flow: Flow = { id: e.id, from: e.sourceRef?.id, to: e.targetRef?.id };
        const body = String(e.conditionExpression?.body ?? '').trim();
        if (body) flow.condition = json(body);
        if (e.sourceRef?.default && e.sourceRef.default === e) flow.default = true;
        flows.push(flow);
      }
    }
  };
  walk(p);
  // Flows into a sub-process enter at its start (chains of nested sub-processes resolved).
  const entry = (id: string): string => (redirectTo.has(id) ? entry(redirectTo.get(id) as string) : id);
  for (const f of flows) f.to = entry(f.to);
  flows.push(...exits);
  const withdraw = p.get('tg:withdrawAfterApproval');
  const process: Process = { id: p.id as string, nodes, flows, ...(withdraw !== undefined && { withdrawAfterApproval: Boolean(withdraw) }) };
  if (flattened.size) flattenedOf.set(process, flattened);
  return process;
}

/** What the nodes of a flattened sub-process stand for, so problems name the BPMN element, not the gateway it became. */
const flattenedOf = new WeakMap<Process, Map<string, string>>();

/**
 * Reads BPMN 2.0 XML of the supported subset into a compiled-checked Process.
 * @throws AppError WORKFLOW_BPMN_INVALID (not BPMN XML), WORKFLOW_BPMN_UNSUPPORTED (each element outside the
 *   subset: path its id, message its type), WORKFLOW_INVALID (tg: attributes, timers, conditions, or the graph:
 *   compileProcess's problems with the element's id as path)
 * @example const process = await processFromBpmn(readFileSync('quote_discount.bpmn', 'utf8'))
 */
export async function processFromBpmn(xml: string): Promise<Process> {
  const definitions = await parseBpmn(xml);
  const { unsupported, invalid } = checkDefinitions(definitions);
  if (unsupported.length) throw AppError.problems('WORKFLOW_BPMN_UNSUPPORTED', [...unsupported, ...invalid]);
  if (invalid.length) throw AppError.problems('WORKFLOW_INVALID', invalid);
  const process = buildProcess(definitions);
  const graphProblems = processProblems(process);
  if (graphProblems.length) throw AppError.problems('WORKFLOW_INVALID', graphProblems);
  return process;
}

/** compileProcess's problems with paths turned from /nodes/<i>, /flows/<i> into the elements' ids. */
export function processProblems(process: Process): Problem[] {
  try {
    compileProcess(process);
    return [];
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return ((e.details.problems as Problem[] | undefined) ?? []).map((p) => {
      const m = /^\/(nodes|flows)\/(\d+)(\/.*)?$/.exec(p.path ?? '');
      const item = m ? (m[1] === 'nodes' ? process.nodes : process.flows)[Number(m[2])] : undefined;
      if (!item) return p;
      const stands = flattenedOf.get(process)?.get(item.id);
      const message = stands ? p.message.replace(new RegExp(`^(?:[a-z]+ )?"${item.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`), stands) : p.message;
      return { ...p, path: item.id, message };
    });
  }
}
