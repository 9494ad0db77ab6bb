import { type Lang, wfText } from './messages';

// A bpmn-js module that narrows the palette, the context pad and the replace menu to the subset
// the engine runs: start and end events, approval steps (user tasks), automatic actions (service
// tasks), exclusive / parallel / inclusive gateways, the intermediate timer and the embedded
// sub-process. Each provider registers below the default one (priority 500 < 1000) and gets the
// default entries to filter and extend.

type Any = any;
type Entries = Record<string, Any>;

interface Config {
  lang?: Lang;
}

const tools = ['hand-tool', 'lasso-tool', 'space-tool', 'global-connect-tool', 'tool-separator'];

/** The shapes the palette and the context pad create, by our entry name. */
const shapes = {
  'user-task': { type: 'bpmn:UserTask', icon: 'bpmn-icon-user-task', title: 'palette.userTask' },
  'service-task': { type: 'bpmn:ServiceTask', icon: 'bpmn-icon-service-task', title: 'palette.serviceTask' },
  'exclusive-gateway': { type: 'bpmn:ExclusiveGateway', icon: 'bpmn-icon-gateway-xor', title: 'palette.exclusive' },
  'parallel-gateway': { type: 'bpmn:ParallelGateway', icon: 'bpmn-icon-gateway-parallel', title: 'palette.parallel' },
  'inclusive-gateway': { type: 'bpmn:InclusiveGateway', icon: 'bpmn-icon-gateway-or', title: 'palette.inclusive' },
  timer: {
    type: 'bpmn:IntermediateCatchEvent',
    eventDefinitionType: 'bpmn:TimerEventDefinition',
    icon: 'bpmn-icon-intermediate-event-catch-timer',
    title: 'palette.timer',
  },
  'end-event': { type: 'bpmn:EndEvent', icon: 'bpmn-icon-end-event-none', title: 'palette.end' },
} as const;
type ShapeName = keyof typeof shapes;

/** A new timer waits an hour until the panel says otherwise (a timer without a duration is outside the subset). */
function withDefaults(shape: Any, bpmnFactory: Any): Any {
  const def = shape.businessObject?.eventDefinitions?.[0];
  if (def?.$type === 'bpmn:TimerEventDefinition' && !def.timeDuration) {
    def.timeDuration = bpmnFactory.create('bpmn:FormalExpression', { body: 'PT1H' });
    def.timeDuration.$parent = def;
  }
  return shape;
}

function shapeAttrs(name: ShapeName): Record<string, string> {
  const s = shapes[name];
  return 'eventDefinitionType' in s ? { type: s.type, eventDefinitionType: s.eventDefinitionType } : { type: s.type };
}

function RestrictedPalette(this: Any, palette: Any, create: Any, elementFactory: Any, bpmnFactory: Any, config: Config | undefined) {
  const lang = config?.lang ?? 'zh-CN';
  this.getPaletteEntries = () => (entries: Entries) => {
    const kept: Entries = Object.fromEntries(Object.entries(entries).filter(([id]) => tools.includes(id)));
    const action = (name: string, group: string, className: string, title: string, attrs: Record<string, unknown>) => {
      const start = (event: Event) => create.start(event, withDefaults(elementFactory.createShape(attrs), bpmnFactory));
      kept[name] = { group, className, title, action: { dragstart: start, click: start } };
    };
    action('create.start-event', 'event', 'bpmn-icon-start-event-none', wfText(lang, 'palette.start'), { type: 'bpmn:StartEvent' });
    action('create.end-event', 'event', 'bpmn-icon-end-event-none', wfText(lang, 'palette.end'), { type: 'bpmn:EndEvent' });
    action('create.timer', 'event', shapes.timer.icon, wfText(lang, shapes.timer.title), shapeAttrs('timer'));
    for (const name of ['user-task', 'service-task'] as const)
      action(`create.${name}`, 'activity', shapes[name].icon, wfText(lang, shapes[name].title), shapeAttrs(name));
    for (const name of ['exclusive-gateway', 'parallel-gateway', 'inclusive-gateway'] as const)
      action(`create.${name}`, 'gateway', shapes[name].icon, wfText(lang, shapes[name].title), shapeAttrs(name));
    const subProcess = (event: Event) => {
      const sub = elementFactory.createShape({ type: 'bpmn:SubProcess', x: 0, y: 0, isExpanded: true });
      const start = elementFactory.createShape({ type: 'bpmn:StartEvent', x: 40, y: 82, parent: sub });
      create.start(event, [sub, start], { hints: { autoSelect: [sub] } });
    };
    kept['create.subprocess-expanded'] = {
      group: 'activity',
      className: 'bpmn-icon-subprocess-expanded',
      title: wfText(lang, 'palette.subProcess'),
      action: { dragstart: subProcess, click: subProcess },
    };
    return kept;
  };
  palette.registerProvider(500, this);
}
RestrictedPalette.$inject = ['palette', 'create', 'elementFactory', 'bpmnFactory', 'config.tangram'];

const padKept = (id: string) => ['delete', 'connect', 'replace', 'append.text-annotation'].includes(id) || id.startsWith('lane-');

function RestrictedContextPad(this: Any, contextPad: Any, create: Any, elementFactory: Any, bpmnFactory: Any, autoPlace: Any, config: Config | undefined) {
  const lang = config?.lang ?? 'zh-CN';
  this.getContextPadEntries = (element: Any) => (entries: Entries) => {
    const kept: Entries = Object.fromEntries(Object.entries(entries).filter(([id]) => padKept(id)));
    // The default pad offers appending where a flow may leave the element: offer ours there.
    if (!entries['append.end-event']) return kept;
    for (const name of ['end-event', 'exclusive-gateway', 'user-task', 'service-task', 'timer'] as const) {
      const attrs = shapeAttrs(name);
      kept[`append.${name}`] = {
        group: 'model',
        className: shapes[name].icon,
        title: wfText(lang, shapes[name].title),
        action: {
          click: (_event: Event, el: Any) => autoPlace.append(el ?? element, withDefaults(elementFactory.createShape(attrs), bpmnFactory)),
          dragstart: (event: Event) => create.start(event, withDefaults(elementFactory.createShape(attrs), bpmnFactory), { source: element }),
        },
      };
    }
    return kept;
  };
  contextPad.registerProvider(500, this);
}
RestrictedContextPad.$inject = ['contextPad', 'create', 'elementFactory', 'bpmnFactory', 'autoPlace', 'config.tangram'];

/** The replace menu's entries that stay inside the subset. */
export const allowedReplacements = new Set([
  'replace-with-none-start',
  'replace-with-none-end',
  'replace-with-user-task',
  'replace-with-service-task',
  'replace-with-exclusive-gateway',
  'replace-with-parallel-gateway',
  'replace-with-inclusive-gateway',
  'replace-with-timer-intermediate-catch',
  'replace-with-subprocess',
  'replace-with-expanded-subprocess',
  'replace-with-sequence-flow',
  'replace-with-default-flow',
]);

function RestrictedReplaceMenu(this: Any, popupMenu: Any) {
  this.getPopupMenuEntries = () => (entries: Entries) => Object.fromEntries(Object.entries(entries).filter(([id]) => allowedReplacements.has(id)));
  // Loop, multi-instance, compensation and non-interrupting toggles are outside the subset.
  this.getPopupMenuHeaderEntries = () => () => ({});
  popupMenu.registerProvider('bpmn-replace', 500, this);
}
RestrictedReplaceMenu.$inject = ['popupMenu'];

export const restrictModule = {
  __init__: ['tgPalette', 'tgContextPad', 'tgReplaceMenu'],
  tgPalette: ['type', RestrictedPalette],
  tgContextPad: ['type', RestrictedContextPad],
  tgReplaceMenu: ['type', RestrictedReplaceMenu],
};
