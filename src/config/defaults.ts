/**
 * Defaults of the command-line flags that are not config file keys. The config sections own their defaults
 * (`sections/*.ts`); `--flink.rest-url` shares `flink.rest_url`'s (`DEFAULT_REST_URL` in `sections/flink.ts`).
 */

/** Default `--web.listen-address` (the port is this sidecar's default, like an exporter's). */
export const DEFAULT_LISTEN_ADDRESS = '0.0.0.0:9275';
/** Default `--storage.path`. */
export const DEFAULT_STORAGE_PATH = './data';
