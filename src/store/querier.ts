import type { LabelSet } from '../model/labels.js';
import type { MemorySeries } from './memory-series.js';
import { RingSeriesIterator } from './series-iterator.js';
import type { LabelMatcher, Querier, QueriedSeries, SeriesIterator, SeriesRef, StoredSeries } from './types.js';

/** What a querier needs from the store: selection by matchers and a walk over every series. */
export interface QuerierSource {
  selectSeries(matchers: readonly LabelMatcher[]): MemorySeries[];
  allSeries(): Iterable<MemorySeries>;
}

/**
 * {@link Querier} over `[mint, maxt]` (inclusive, Unix ms). Selection happens at call time against the
 * committed state; iterators then follow the live series (see {@link RingSeriesIterator}).
 *
 * @throws RangeError for a NaN bound or `mint > maxt`.
 */
export function createQuerier(store: QuerierSource, mint: number, maxt: number): Querier {
  if (Number.isNaN(mint) || Number.isNaN(maxt) || mint > maxt) {
    throw new RangeError(`querier range must satisfy mint <= maxt, got [${mint}, ${maxt}]`);
  }
  const inRange = (s: MemorySeries): boolean => {
    const i = s.firstAtOrAfter(mint);
    return i < s.length && s.timestampAt(i) <= maxt;
  };
  const seriesOf = (matchers: readonly LabelMatcher[] | undefined): MemorySeries[] => {
    const out: MemorySeries[] = [];
    const candidates = matchers === undefined || matchers.length === 0 ? store.allSeries() : store.selectSeries(matchers);
    for (const s of candidates) if (inRange(s)) out.push(s);
    return out;
  };
  return {
    select(matchers) {
      if (matchers.length === 0) return [];
      const found = seriesOf(matchers).sort((a, b) => a.id - b.id);
      return found.map((s) => new QueriedMemorySeries(s, mint, maxt));
    },
    labelNames(matchers) {
      const names = new Set<string>();
      for (const s of seriesOf(matchers)) for (const n of s.labels.names) names.add(n);
      return [...names].sort(compareStrings);
    },
    labelValues(name, matchers) {
      const values = new Set<string>();
      for (const s of seriesOf(matchers)) {
        const v = s.labels.get(name);
        if (v !== undefined) values.add(v);
      }
      return [...values].sort(compareStrings);
    },
  };
}

class QueriedMemorySeries implements QueriedSeries {
  constructor(
    private readonly s: MemorySeries,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  get ref(): SeriesRef {
    return this.s.id;
  }

  get labels(): LabelSet {
    return this.s.labels;
  }

  get series(): StoredSeries {
    return this.s;
  }

  iterator(): SeriesIterator {
    return new RingSeriesIterator(this.s, this.mint, this.maxt);
  }
}

/** Byte-order comparison (Prometheus sorts label names and values as Go strings). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
