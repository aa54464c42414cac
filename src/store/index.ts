/** The series store: the one place samples live (see DESIGN.md §1). */
export type {
  AppendResult,
  LabelMatcher,
  MatchOp,
  MetricMetadata,
  MetricType,
  SeriesStore,
  SnapshotSample,
  StoredSeries,
} from './types.js';
export { MemorySeriesStore, type MemorySeriesStoreOptions } from './memory-series-store.js';
export { compileMatcher, type CompiledMatcher } from './matchers.js';
