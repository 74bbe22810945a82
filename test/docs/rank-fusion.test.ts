import { describe, expect, it } from 'vitest';
import { fuseRankings } from '../../src/docs/rank-fusion.ts';

describe('fuseRankings', () => {
  it('puts first what both rankings place high, by reciprocal rank', () => {
    const lexical = ['a', 'b', 'c'];
    const vector = ['b', 'd', 'a'];
    expect(fuseRankings([lexical, vector], (item) => item)).toEqual(['b', 'a', 'd', 'c']);
  });

  it('keeps a single ranking as it is', () => {
    expect(fuseRankings([['x', 'y', 'z']], (item) => item)).toEqual(['x', 'y', 'z']);
  });
});
