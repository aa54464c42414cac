/** Exposition formats: Prometheus text 0.0.4 and OpenMetrics 1.0 — write, parse, negotiate. */
export type { ExpositionFormat, ParsedFamily, ParsedSample } from './types.js';
export {
  writeExposition,
  writeExpositionChunks,
  chunkAllocation,
  EXPOSITION_CHUNK_BYTES,
  type WriteExpositionOptions,
  type ExpositionChunkOptions,
} from './writer.js';
export { parseTextExposition, parseGoFloat, type ParseExpositionOptions } from './parser.js';
export {
  negotiateFormat,
  type NegotiatedFormat,
  TEXT_CONTENT_TYPE,
  OPENMETRICS_CONTENT_TYPE,
  OPENMETRICS_0_0_1_CONTENT_TYPE,
} from './negotiate.js';
export { formatFloat, formatOpenMetricsFloat } from './format-float.js';
export { escapeLabelValue, escapeHelpText } from './escape.js';
