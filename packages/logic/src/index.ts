export type { ValueKind, LogicField, LogicSchema, RuleContext, Rule, RuleVariables } from './types';
export { variableKinds } from './types';
export { checkRule } from './check';
export { evaluate, truthy, equal } from './evaluate';
export { compileFilter } from './compile';
export { bindVariables, collectFields } from './variables';
export { filterOperators, computeOperators } from './operators';
export { maxDepth, maxNodes } from './walk';
