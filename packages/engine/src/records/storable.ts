/** Deeper values are refused: JSON.stringify, structuredClone and Postgres's jsonb parser all recurse. */
export const maxValueDepth = 64;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain the NUL character';
  // UTF-8 has no encoding for half a surrogate pair: the driver would store U+FFFD instead.
  if (loneSurrogate.test(s)) return 'must be valid Unicode (it contains a lone surrogate)';
  return undefined;
}

/**
 * Why a value cannot be stored unchanged in Postgres (text and jsonb), or undefined when it can:
 * NUL characters and lone surrogates in any string or key, or nesting deeper than
 * `maxValueDepth`. Walks the value with an explicit stack, so a hostile depth cannot overflow
 * the call stack before it is refused.
 */
export function storableProblem(value: unknown): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) return problem;
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= maxValueDepth) return `must not be nested more than ${maxValueDepth} levels deep`;
      for (const [key, child] of Object.entries(v)) {
        const problem = textProblem(key);
        if (problem) return problem;
        stack.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}
