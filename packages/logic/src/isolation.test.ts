import * as jsonLogicModule from 'json-logic-js';
import { describe, expect, it, vi } from 'vitest';
import { knownOperators } from './operators';

// json-logic-js is CommonJS: Node's ESM loader exposes it as `default`.
const jsonLogic = ((jsonLogicModule as unknown as { default?: typeof jsonLogicModule }).default ?? jsonLogicModule) as typeof jsonLogicModule;

const data = { a: 1, b: '1', c: 3, s: 'hello', l: ['x', 'y'], n: null, t: true };

/** Argument lists every operator is tried with: numbers, a numeric string, text, a list, null, a missing field. */
const argumentSets: unknown[][] = [
  [{ var: 'a' }, { var: 'b' }],
  [{ var: 'a' }, 1],
  [{ var: 'c' }, { var: 'a' }, 5],
  [{ var: 'n' }, 0],
  [{ var: 'missing' }, null],
  ['ell', { var: 's' }],
  ['x', { var: 'l' }],
  [{ var: 's' }, 1, 2],
  [{ var: 't' }],
  [],
];

/** Every operator of the language with every argument set: the class of rules both sides must keep. */
const corpus: unknown[] = [...knownOperators].flatMap((op): unknown[] =>
  op === 'var' ? ['a', 'b', 'n', 'missing', ['s']].map((v) => ({ var: v })) : argumentSets.map((args) => ({ [op]: args })),
);

function outcome(f: () => unknown): string {
  try {
    return JSON.stringify(f() ?? null);
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

const stock = () => corpus.map((rule) => outcome(() => jsonLogic.apply(rule as never, data)));

describe('@tangram/logic keeps its evaluator to itself', () => {
  // Taken before @tangram/logic is first loaded in this process (it is only imported dynamically below).
  const before = stock();

  it('the corpus reaches every operator and shows json-logic-js stock semantics', () => {
    expect(corpus.length).toBeGreaterThan(knownOperators.size * 5);
    // Stock json-logic-js coerces on == and reads var from the data as given.
    expect(jsonLogic.apply({ '==': [1, '1'] })).toBe(true);
    expect(jsonLogic.apply({ var: 'a' }, data)).toBe(1);
  });

  it('importing and using @tangram/logic leaves json-logic-js behaving as before', async () => {
    const logic = await import('./index');
    for (const rule of corpus) outcome(() => logic.evaluate(rule, data));
    expect(logic.evaluate({ '==': [{ var: 'a' }, '1'] }, data)).toBe(false);
    expect(stock()).toEqual(before);
    expect(jsonLogic.apply({ '==': [1, '1'] })).toBe(true);
    expect(jsonLogic.truthy(jsonLogic.apply({ '==': [{ var: 's' }, 'hello'] }, data))).toBe(true);
  });

  it("@tangram/logic's results do not depend on load order or on what others do to json-logic-js", async () => {
    vi.resetModules();
    const first = await import('./index');
    const expected = corpus.map((rule) => outcome(() => first.evaluate(rule, data)));
    // Another user of json-logic-js changes its process-wide operator table (this file's last test: the change stays).
    jsonLogic.add_operation('==', () => 'changed');
    jsonLogic.add_operation('var', () => 'changed');
    jsonLogic.add_operation('and', () => 'changed');
    vi.resetModules();
    const later = await import('./index');
    expect(later).not.toBe(first);
    expect(corpus.map((rule) => outcome(() => later.evaluate(rule, data)))).toEqual(expected);
    expect(corpus.map((rule) => outcome(() => first.evaluate(rule, data)))).toEqual(expected);
  });
});
