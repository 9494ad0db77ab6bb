// bpmn-moddle ships no types for its BpmnModdle export: the part of its API the reader uses.
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    $type: string;
    $parent?: ModdleElement;
    id?: string;
    name?: string;
    get(name: string): any;
    $instanceOf(type: string): boolean;
    [key: string]: any;
  }
  export interface ParseResult {
    rootElement: ModdleElement;
    warnings: { message: string; element?: ModdleElement }[];
    references: unknown[];
    elementsById: Record<string, ModdleElement>;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<ParseResult>;
    toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
  }
}

// bpmnlint (dev dependency: the tests lint with the rules the modeler uses).
declare module 'bpmnlint' {
  export class Linter {
    constructor(options: { config: unknown; resolver: unknown });
    lint(definitions: unknown): Promise<Record<string, { id: string; message: string; category?: string }[]>>;
  }
}
