/**
 * The remote-write route `POST /api/v1/write` (DESIGN.md §3 HTTP). Reads the body itself instead of through a
 * body-parser: body-parser refuses `Content-Encoding: snappy`, and the size limit must hold while reading (a body
 * above `maxRequestBytes` is answered 413 as soon as it is known, by Content-Length or by counting). The
 * protocol work is the receiver's (`sources/remote-write/receiver.ts`).
 */
import type { Request, Response } from 'express';
import type { RemoteWriteReceiver } from '../sources/remote-write/receiver.js';

/** The Express handler for `POST /api/v1/write`. */
export function remoteWriteHandler(receiver: RemoteWriteReceiver): (req: Request, res: Response) => void {
  return (req, res) => {
    if (!receiver.enabled) {
      // Prometheus answers this way when --web.enable-remote-write-receiver is not given.
      res.status(404).type('text/plain').send('remote write receiver needs to be enabled with remote_write_receiver.enabled: true\n');
      return;
    }
    const limit = receiver.maxRequestBytes;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > limit) {
      tooLarge(res, declared, limit);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        tooLarge(res, size, limit);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const r = receiver.handle({
        contentType: req.headers['content-type'],
        contentEncoding: req.headers['content-encoding'],
        body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
      });
      res.status(r.status).set(r.headers);
      if (r.body === '') res.end();
      else res.type('text/plain').send(r.body);
    });
    req.on('error', () => {
      done = true;
    });
  };
}

function tooLarge(res: Response, size: number, limit: number): void {
  res
    .status(413)
    .set('Connection', 'close')
    .type('text/plain')
    .send(`request body of ${size} bytes exceeds the limit of ${limit} bytes (remote_write_receiver.max_request_bytes)\n`);
}
