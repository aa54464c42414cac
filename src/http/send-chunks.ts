import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface SendChunksOptions {
  /** Compress with gzip (`Content-Encoding: gzip`); the caller negotiated it. */
  readonly gzip?: boolean;
  /** Called with each chunk once its bytes have left the process (socket or compressor), so it may be reused. */
  readonly release?: (chunk: Buffer) => void;
}

/**
 * Sends the body produced by `chunks` and ends `res`, rendering the next chunk only once the socket (or the gzip
 * stream in front of it) has room: `write` returned true, or `'drain'` came. Memory then stays at a few chunks
 * however large the answer (a 40 MB scrape of 100 000 pushed series, bench/README.md "Push API"), and the client
 * reads while the rest is rendered. An uncompressed body of one chunk goes out with `Content-Length`; anything else
 * with chunked transfer encoding.
 *
 * When the client goes away the iteration stops (the rest is never rendered). An error thrown by `chunks`
 * propagates: before anything was written the caller can still answer 500, after that it must destroy the
 * connection (`res.headersSent` tells which), so that the client sees a failed answer rather than a short one (a
 * chunked body without its last chunk is an error to HTTP clients).
 */
export async function sendChunks(res: ServerResponse, chunks: Iterable<Buffer>, options: SendChunksOptions = {}): Promise<void> {
  const release = options.release ?? ((): void => {});
  const it = chunks[Symbol.iterator]();
  try {
    let next = it.next();
    if (next.done === true && !options.gzip) {
      res.end();
      return;
    }
    let sink: Writable = res;
    if (options.gzip) {
      res.setHeader('Content-Encoding', 'gzip');
      // Level 1 (BestSpeed): measured on a 41 MB scrape of 100 000 pushed series, the answer takes ~200 ms instead of
      // ~390 ms at zlib's default 6, for 1.3 MB instead of 0.5 MB on the wire (still 30× smaller): CPU next to the
      // JobManager matters more than a megabyte per scrape (bench/README.md, "Push API").
      const gzip = createGzip({ level: 1 });
      gzip.pipe(res);
      res.once('close', () => gzip.destroy());
      sink = gzip;
    } else {
      const chunk = next.value as Buffer;
      const after = it.next();
      if (after.done === true) {
        res.setHeader('Content-Length', chunk.length);
        res.end(chunk, () => release(chunk));
        return;
      }
      if (!write(res, chunk, release) && (await drainedOrClosed(res, res)) === 'closed') return;
      next = after;
    }
    while (next.done !== true) {
      if (res.destroyed) return;
      if (!write(sink, next.value, release) && (await drainedOrClosed(sink, res)) === 'closed') return;
      next = it.next();
    }
    sink.end();
    if (sink !== res) await finished(res).catch(() => undefined);
  } finally {
    it.return?.();
  }
}

function write(sink: Writable, chunk: Buffer, release: (chunk: Buffer) => void): boolean {
  return sink.write(chunk, (err) => {
    if (err === undefined || err === null) release(chunk);
  });
}

function drainedOrClosed(sink: Writable, res: ServerResponse): Promise<'drained' | 'closed'> {
  return new Promise((resolve) => {
    const done = (how: 'drained' | 'closed') => (): void => {
      sink.off('drain', onDrain);
      res.off('close', onClose);
      resolve(how);
    };
    const onDrain = done('drained');
    const onClose = done('closed');
    sink.on('drain', onDrain);
    res.on('close', onClose);
  });
}
