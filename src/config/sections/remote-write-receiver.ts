/**
 * The `remote_write_receiver` section: whether `POST /api/v1/write` accepts remote-write (1.0 and 2.0) and the
 * limits it applies. Off by default, like Prometheus's `--web.enable-remote-write-receiver`; it is served by the
 * same HTTP server as `/metrics`, so the web config's TLS and basic auth apply to it. This file owns the section's
 * keys, defaults, validation and its frozen runtime shape (`RemoteWriteReceiverConfig`).
 *
 * ```yaml
 * remote_write_receiver:
 *   enabled: false
 *   max_request_bytes: 16777216        # body as sent (snappy-compressed); more → 413
 *   max_decoded_bytes: 33554432        # after snappy (Prometheus's 32 MiB); checked on the header → 413
 *   max_series_per_request: 100000     # more → 400
 *   max_series: 1000000                # series the remote-write source may hold at once; a new one beyond → 400
 * ```
 */
import { z } from 'zod';
import { nullAsAbsent } from '../fields.js';

/** Defaults of the `remote_write_receiver` section, written as in the config file. */
export const REMOTE_WRITE_RECEIVER_DEFAULTS = {
  enabled: false,
  max_request_bytes: 16 * 1024 * 1024,
  // Prometheus's receiver (client_golang exp/api/remote) refuses a decoded body above 32 MiB.
  max_decoded_bytes: 32 * 1024 * 1024,
  max_series_per_request: 100_000,
  max_series: 1_000_000,
} as const;

/** `remote_write_receiver` section, runtime shape. */
export interface RemoteWriteReceiverConfig {
  readonly enabled: boolean;
  /** Most bytes of a request body as sent (snappy block), >= 1. */
  readonly maxRequestBytes: number;
  /** Most bytes a body may declare after snappy decoding, >= 1. */
  readonly maxDecodedBytes: number;
  /** Most series in one request, >= 1. */
  readonly maxSeriesPerRequest: number;
  /** Most series the `remote-write` store source holds at once, >= 1. */
  readonly maxSeries: number;
}

const positiveInt = z.int().min(1);

export const remoteWriteReceiverSectionSchema = z.strictObject({
  enabled: nullAsAbsent(z.boolean().prefault(REMOTE_WRITE_RECEIVER_DEFAULTS.enabled)),
  max_request_bytes: nullAsAbsent(positiveInt.prefault(REMOTE_WRITE_RECEIVER_DEFAULTS.max_request_bytes)),
  max_decoded_bytes: nullAsAbsent(positiveInt.max(0xffffffff).prefault(REMOTE_WRITE_RECEIVER_DEFAULTS.max_decoded_bytes)),
  max_series_per_request: nullAsAbsent(positiveInt.prefault(REMOTE_WRITE_RECEIVER_DEFAULTS.max_series_per_request)),
  max_series: nullAsAbsent(positiveInt.prefault(REMOTE_WRITE_RECEIVER_DEFAULTS.max_series)),
});

/** The validated section (snake_case). */
export type RemoteWriteReceiverSection = z.output<typeof remoteWriteReceiverSectionSchema>;

/** The runtime `remote_write_receiver` config. */
export function resolveRemoteWriteReceiver(s: RemoteWriteReceiverSection): RemoteWriteReceiverConfig {
  return {
    enabled: s.enabled,
    maxRequestBytes: s.max_request_bytes,
    maxDecodedBytes: s.max_decoded_bytes,
    maxSeriesPerRequest: s.max_series_per_request,
    maxSeries: s.max_series,
  };
}
