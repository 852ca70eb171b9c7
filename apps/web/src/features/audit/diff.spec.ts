import { diffSnapshots, formatValue } from './diff';

describe('audit snapshot diff', () => {
  it('marks each field added, removed, changed or unchanged', () => {
    expect(
      diffSnapshots(
        { weight: 1, tags: ['a'], name: 'x', gone: true },
        { weight: 2, tags: ['a'], name: 'x', new: 1 },
      ),
    ).toEqual([
      { field: 'weight', kind: 'changed', before: 1, after: 2 },
      { field: 'tags', kind: 'unchanged', before: ['a'], after: ['a'] },
      { field: 'name', kind: 'unchanged', before: 'x', after: 'x' },
      { field: 'gone', kind: 'removed', before: true, after: undefined },
      { field: 'new', kind: 'added', before: undefined, after: 1 },
    ]);
  });

  it('treats a create as all added and a delete as all removed', () => {
    expect(diffSnapshots(null, { a: 1 })).toEqual([
      { field: 'a', kind: 'added', before: undefined, after: 1 },
    ]);
    expect(diffSnapshots({ a: 1 }, null)).toEqual([
      { field: 'a', kind: 'removed', before: 1, after: undefined },
    ]);
  });

  it('gives up on snapshots that are not objects', () => {
    expect(diffSnapshots([1], { a: 1 })).toBeNull();
    expect(diffSnapshots('x', null)).toBeNull();
  });

  it('formats values as short text', () => {
    expect(formatValue(undefined)).toBe('');
    expect(formatValue('text')).toBe('text');
    expect(formatValue(3)).toBe('3');
    expect(formatValue(null)).toBe('null');
    expect(formatValue({ a: 1 })).toBe('{\n  "a": 1\n}');
  });
});
