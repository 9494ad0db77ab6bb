import type { ModdleElement } from 'bpmn-moddle';
import { buildProcess, checkDefinitions, processProblems } from './read';

// bpmnlint rules describing the supported subset, built on the same walk as processFromBpmn
// (checkDefinitions, buildProcess, compileProcess): a diagram the linter passes is one the reader
// accepts, and each reader problem is a lint report on the same element.
//
// In the modeler (bpmn-js + bpmn-js-bpmnlint):
//   import lintModule from 'bpmn-js-bpmnlint';
//   import { tangramLint, tangramModdle } from '@tangram/bpmn/lint';   (or from '@tangram/bpmn')
//   new Modeler({ additionalModules: [lintModule], linting: { bpmnlint: tangramLint, active: true },
//                 moddleExtensions: { tg: tangramModdle } });
// With bpmnlint itself: new Linter(tangramLint).lint(definitions) → { 'tangram/subset': [{ id, message }], … }.

interface Reporter {
  report(id: string, message: string): void;
}
interface Rule {
  check(node: ModdleElement, reporter: Reporter): void;
}

/** One rule per kind of problem; each looks at the whole definitions once (at the bpmn:Definitions node). */
const onDefinitions = (report: (definitions: ModdleElement, reporter: Reporter) => void) => (): Rule => ({
  check(node, reporter) {
    if (node.$type === 'bpmn:Definitions') report(node, reporter);
  },
});

/** The rules, by name (bpmnlint rule factories). */
export const tangramLintRules = {
  /** Elements outside the supported subset (WORKFLOW_BPMN_UNSUPPORTED). */
  subset: onDefinitions((d, r) => {
    for (const p of checkDefinitions(d).unsupported) r.report(p.path as string, p.message);
  }),
  /** tg: attributes, timer durations and conditions that cannot be read (WORKFLOW_INVALID). */
  attributes: onDefinitions((d, r) => {
    for (const p of checkDefinitions(d).invalid) r.report(p.path as string, p.message);
  }),
  /** The graph (compileProcess): one start, every node reachable and reaching an end, one flow out of a task… */
  graph: onDefinitions((d, r) => {
    const { unsupported, invalid } = checkDefinitions(d);
    if (unsupported.length || invalid.length) return;
    for (const p of processProblems(buildProcess(d))) r.report(p.path as string, p.message);
  }),
};

/** The bpmnlint plugin's package name (rules are `tangram/<rule>`). */
export const tangramLintPackage = 'bpmnlint-plugin-tangram';

/**
 * A packed bpmnlint configuration ({ config, resolver }, what bpmnlint-pack-config produces and
 * bpmn-js-bpmnlint's `linting.bpmnlint` takes): the three rules as errors.
 */
export const tangramLint = {
  config: { rules: { 'tangram/subset': 'error', 'tangram/attributes': 'error', 'tangram/graph': 'error' } },
  resolver: {
    resolveRule(pkg: string, ruleName: string) {
      return pkg === tangramLintPackage ? ((tangramLintRules as Record<string, () => Rule>)[ruleName] ?? null) : null;
    },
    resolveConfig(pkg: string, configName: string) {
      return pkg === tangramLintPackage && configName === 'recommended' ? tangramLint.config : null;
    },
  },
};
