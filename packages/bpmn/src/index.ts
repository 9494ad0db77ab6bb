export {
  type SubsetCheck,
  buildProcess,
  checkDefinitions,
  isoMinutes,
  jsonLogicLanguage,
  parseBpmn,
  processFromBpmn,
  processProblems,
  supportedElements,
  tangramModdle,
} from './read';
export { tangramLint, tangramLintPackage, tangramLintRules } from './lint';
