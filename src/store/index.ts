/** The series store: the one place samples live (see DESIGN.md §1 and README "The series store"). */
export type {
  AppendResult,
  Appender,
  ChangeFeed,
  FeedEvent,
  FeedListener,
  LabelMatcher,
  MatchOp,
  MetricMetadata,
  MetricType,
  QueriedSeries,
  Querier,
  RejectReason,
  Sample,
  SeriesIterator,
  SeriesRef,
  SeriesStore,
  SnapshotOptions,
  SnapshotSample,
  SourcePolicy,
  StoredSeries,
} from './types.js';
export { MemorySeriesStore, type MemorySeriesStoreOptions } from './memory-series-store.js';
export { compileMatcher, type CompiledMatcher } from './matchers.js';
export { valueAt, DEFAULT_LOOKBACK_MS, type InstantSample, type LookbackSemantics } from './value-at.js';
