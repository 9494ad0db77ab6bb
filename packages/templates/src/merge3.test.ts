import { describe, expect, it } from 'vitest';
import { merge3 } from './merge3';

const opt = (key: string, label = key) => ({ key, label });

describe('merge3', () => {
  it('takes each side’s own changes and keeps both sides’ additions to keyed lists, in order', () => {
    const base = { label: 'a', options: [opt('x'), opt('y')], fields: [{ id: 'f1', label: 'F1' }] };
    const ours = {
      label: 'a',
      options: [opt('x'), opt('mine'), opt('y')],
      fields: [
        { id: 'f1', label: 'Mine' },
        { id: 'f2', label: 'F2' },
      ],
    };
    const theirs = {
      label: 'b',
      options: [opt('x'), opt('y'), opt('theirs')],
      fields: [
        { id: 'f1', label: 'F1' },
        { id: 'f3', label: 'F3' },
      ],
    };
    const { value, conflicts } = merge3(base, ours, theirs);
    expect(conflicts).toEqual([]);
    expect(value).toEqual({
      label: 'b',
      options: [opt('x'), opt('mine'), opt('y'), opt('theirs')],
      fields: [
        { id: 'f1', label: 'Mine' },
        { id: 'f2', label: 'F2' },
        { id: 'f3', label: 'F3' },
      ],
    });
  });

  it('reports both sides changing one value, keeping ours', () => {
    const { value, conflicts } = merge3({ a: 1, b: [1, 2] }, { a: 2, b: [1, 2, 3] }, { a: 3, b: [2] });
    expect(value).toEqual({ a: 2, b: [1, 2, 3] });
    expect(conflicts.map((c) => c.path)).toEqual(['/a', '/b']);
  });

  it('follows deletions on one side, and reports a deletion against a change', () => {
    const base = {
      items: [
        { id: 'a', v: 1 },
        { id: 'b', v: 1 },
        { id: 'c', v: 1 },
      ],
    };
    const ours = {
      items: [
        { id: 'a', v: 1 },
        { id: 'c', v: 2 },
      ],
    }; // we removed b, changed c
    const theirs = {
      items: [
        { id: 'b', v: 1 },
        { id: 'd', v: 1 },
      ],
    }; // they removed a and c, added d
    const { value, conflicts } = merge3(base, ours, theirs);
    expect(value).toEqual({
      items: [
        { id: 'd', v: 1 },
        { id: 'c', v: 2 },
      ],
    });
    expect(conflicts).toEqual([{ path: '/items[c]', base: { id: 'c', v: 1 }, ours: { id: 'c', v: 2 }, theirs: undefined }]);
  });

  it('treats key order as irrelevant', () => {
    expect(merge3({ a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 3 }).value).toEqual({ a: 1, b: 3 });
  });
});
