export type { ValueKind, LogicField, LogicSchema, RuleContext, Rule, RuleVariables } from './types';
export { checkRule, type CheckOptions } from './check';
export { evaluate } from './evaluate';
export { truthy, compareCodePoints } from './values';
export { compileFilter } from './compile';
export { bindVariables, collectFields } from './variables';
export { filterOperators, formulaOnlyOperators, knownOperators } from './operators';
export { maxDepth, maxNodes } from './guard';
