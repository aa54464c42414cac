import type { Request, RequestHandler, Response } from 'express';
import { EXPOSITION_CHUNK_BYTES, chunkAllocation, negotiateFormat, writeExpositionChunks } from '../exposition/index.js';
import type { Logger } from '../log/logger.js';
import type { SeriesStore } from '../store/types.js';
import { BufferPool } from './buffer-pool.js';
import { sendChunks } from './send-chunks.js';

export interface MetricsRouteDeps {
  readonly store: SeriesStore;
  /** Runs before each render: the app copies its self-metrics into the store there. */
  readonly beforeRender?: () => Promise<void>;
  readonly logger: Logger;
}

/**
 * `GET /metrics`: the store in text 0.0.4 or OpenMetrics (by `Accept`, {@link negotiateFormat}), gzip when
 * `Accept-Encoding` allows it (client_golang's promhttp offers gzip and identity too; Prometheus asks for gzip).
 * Rendered and sent a chunk at a time ({@link sendChunks}) from a pool of chunk buffers that come back once sent
 * or compressed, so a scrape of a large store holds a few MiB, not its whole answer. A render error before the
 * first byte answers 500; after it the connection is dropped, so a scraper sees a failed scrape, not a short one.
 */
export function metricsHandler(deps: MetricsRouteDeps): RequestHandler {
  const pool = new BufferPool(chunkAllocation(EXPOSITION_CHUNK_BYTES));
  return async (req: Request, res: Response) => {
    const { format, contentType } = negotiateFormat(req.headers.accept);
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    try {
      await deps.beforeRender?.();
      res.status(200).set('Content-Type', contentType).set('Vary', 'Accept-Encoding');
      await sendChunks(res, writeExpositionChunks(deps.store, { format, allocate: pool.take }), { gzip, release: pool.give });
    } catch (e) {
      deps.logger.error({ err: e instanceof Error ? e.stack : String(e) }, 'rendering /metrics failed');
      if (res.headersSent) res.destroy();
      else res.status(500).type('text/plain').send('error rendering metrics\n');
    }
  };
}
