import { describe, expect, it } from 'vitest';
import { depths, likelyBottleneck } from '../../../src/http/page/bottleneck.js';

const chain = [
  { from: 'src', to: 'map' },
  { from: 'map', to: 'win' },
  { from: 'win', to: 'sink' },
];

describe('likelyBottleneck', () => {
  it('is the busy vertex whose upstream is all back-pressured', () => {
    const v = [
      { id: 'src', busy: 0.1, backPressured: 0.9 },
      { id: 'map', busy: 0.2, backPressured: 0.8 },
      { id: 'win', busy: 0.95, backPressured: 0 },
      { id: 'sink', busy: 0.1, backPressured: 0 },
    ];
    expect(likelyBottleneck(v, chain)).toBe('win');
  });

  it('takes the furthest-downstream candidate', () => {
    const v = [
      { id: 'src', busy: 0.9, backPressured: 0.9 },
      { id: 'map', busy: 0.9, backPressured: 0.9 },
      { id: 'win', busy: 0.9, backPressured: 0.6 },
      { id: 'sink', busy: 0.9, backPressured: 0 },
    ];
    expect(likelyBottleneck(v, chain)).toBe('sink');
  });

  it('is not a busy vertex whose upstream is not back-pressured', () => {
    const v = [
      { id: 'src', busy: 0.1, backPressured: 0 },
      { id: 'map', busy: 0.1, backPressured: 0 },
      { id: 'win', busy: 0.9, backPressured: 0 },
      { id: 'sink', busy: 0.1, backPressured: 0 },
    ];
    expect(likelyBottleneck(v, chain)).toBeUndefined();
  });

  it('is a busy source alone (nothing upstream), and nothing for an idle job or missing ratios', () => {
    expect(likelyBottleneck([{ id: 'src', busy: 0.7 }, { id: 'sink', busy: 0.2 }], [{ from: 'src', to: 'sink' }])).toBe('src');
    expect(likelyBottleneck([{ id: 'src' }, { id: 'sink' }], [{ from: 'src', to: 'sink' }])).toBeUndefined();
  });

  it('needs every branch upstream of a join back-pressured', () => {
    const edges = [
      { from: 'a', to: 'join' },
      { from: 'b', to: 'join' },
    ];
    expect(likelyBottleneck([{ id: 'a', backPressured: 0.9 }, { id: 'b', backPressured: 0.1 }, { id: 'join', busy: 0.9 }], edges)).toBeUndefined();
    expect(likelyBottleneck([{ id: 'a', backPressured: 0.9 }, { id: 'b', backPressured: 0.7 }, { id: 'join', busy: 0.9 }], edges)).toBe('join');
  });
});

describe('depths', () => {
  it('is the longest path from a source', () => {
    const d = depths([{ id: 'a' }, { id: 'b' }, { id: 'c' }], [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'a', to: 'c' }]);
    expect(Object.fromEntries(d)).toEqual({ a: 0, b: 1, c: 2 });
  });
});
