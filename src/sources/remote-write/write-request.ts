/**
 * The decoded shape of a remote-write request, common to 1.0 (`prometheus.WriteRequest`) and 2.0
 * (`io.prometheus.write.v2.Request`): what the decoders (`decode-v1.ts`, `decode-v2.ts`) produce and the receiver
 * (`receiver.ts`) validates and appends. Strings are resolved (2.0 symbol refs are replaced by their strings);
 * nothing is validated here beyond the wire format.
 */

/** Remote-write metric types (1.0 `MetricMetadata.MetricType`, 2.0 `Metadata.MetricType`; same numbers). */
export const enum WireMetricType {
  Unknown = 0,
  Counter = 1,
  Gauge = 2,
  Histogram = 3,
  GaugeHistogram = 4,
  Summary = 5,
  Info = 6,
  StateSet = 7,
}

/** Family metadata as sent: 1.0 `WriteRequest.metadata`, or 2.0 per-series `Metadata` (then `family` is ''). */
export interface WireMetadata {
  /** A {@link WireMetricType} number; unknown numbers are kept as sent. */
  readonly type: number;
  readonly family: string;
  readonly help: string;
  readonly unit: string;
}

/** One series of a request. */
export interface WireSeries {
  /** Label names and values in wire order, flat: `[name0, value0, name1, value1, …]` (not checked). */
  readonly labels: string[];
  /** Sample timestamps, Unix ms (int64 on the wire; exact up to 2^53). */
  readonly timestamps: number[];
  /** Sample values, parallel to `timestamps`. */
  readonly values: number[];
  /** Parallel to `timestamps`: true when the value had Prometheus's StaleNaN bits `0x7ff0000000000002`. */
  readonly stale: boolean[];
  /** Native histogram samples sent for the series (the sidecar refuses them). */
  histograms: number;
  /** Exemplars sent for the series (the sidecar ignores them). */
  exemplars: number;
  /** 2.0 only: the series' metadata, when the sender set a type, help or unit. */
  metadata: WireMetadata | undefined;
  /**
   * 1.0 only: the series' label fields exactly as encoded (their bytes as a latin1 string) when they are contiguous
   * on the wire (every known encoder writes labels first), else undefined. Equal keys mean equal label lists, so
   * the receiver caches the validated series by it and skips label checks and lookups for series it knows.
   */
  labelKey?: string | undefined;
}

/** A decoded request. */
export interface WireRequest {
  readonly series: WireSeries[];
  /** 1.0 only: `WriteRequest.metadata`. */
  readonly metadata: WireMetadata[];
}

/** A fresh, empty series. */
export function emptySeries(): WireSeries {
  return { labels: [], timestamps: [], values: [], stale: [], histograms: 0, exemplars: 0, metadata: undefined, labelKey: undefined };
}
