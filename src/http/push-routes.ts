import { Router, type Request, type Response } from 'express';
import { BridgeError, ExpositionParseError, PushRejectedError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { decodeContentEncoding, tooLarge, type BodyLimits } from '../sources/push/body.js';
import { parseGroupingKey } from '../sources/push/grouping-key.js';
import { parsePushBody } from '../sources/push/parse-body.js';
import type { PushReceiver } from '../sources/push/receiver.js';
import { groupsJson } from '../sources/push/json-view.js';

/** What the push routes need; the app wires it when `push.enabled`. */
export interface PushHttpDeps {
  readonly receiver: PushReceiver;
  readonly limits: BodyLimits;
  /** `push.enable_admin_api`: `PUT /api/v1/admin/wipe`. */
  readonly adminApi: boolean;
  readonly logger: Logger;
}

const PUSH_METHODS = 'PUT, POST, DELETE';

/**
 * The Pushgateway API on the sidecar's port (Pushgateway 1.5.1 `main.go` routes and `handler/`):
 * - `PUT|POST /metrics/job[@base64]/<job>{/<label>[@base64]/<value>}` → 200 (applied), 400 with the reason in the
 *   body, 413 (body limits), 415 (unknown `Content-Encoding`), 429 (group or series limits);
 * - `DELETE` on the same paths → 202, unknown groups included; other methods → 405;
 * - `GET /api/v1/metrics` (the Pushgateway's JSON view) and, with `adminApi`, `PUT /api/v1/admin/wipe` → 202.
 */
export function pushRouter(deps: PushHttpDeps): Router {
  const router = Router();
  const log = deps.logger;
  router.use(async (req: Request, res: Response, next) => {
    if (!req.path.startsWith('/metrics/job')) return next();
    let path: string;
    try {
      // Go's router matches the percent-decoded path: `%2F` splits components (which is why `@base64` exists).
      path = decodeURIComponent(req.path.slice('/metrics'.length));
    } catch {
      return sendError(res, new PushRejectedError(400, 'path', `invalid URL escape in path ${JSON.stringify(req.path)}`));
    }
    if (!path.startsWith('/job/') && !path.startsWith('/job@base64/')) return next();
    if (req.method !== 'PUT' && req.method !== 'POST' && req.method !== 'DELETE') {
      res.status(405).set('Allow', PUSH_METHODS).type('text/plain').send('Method Not Allowed\n');
      return;
    }
    let body: Buffer | undefined;
    try {
      const key = parseGroupingKey(path);
      if (key === undefined) return next();
      if (req.method === 'DELETE') {
        deps.receiver.delete(key);
        res.status(202).end();
        return;
      }
      const raw = await readBody(req, deps.limits.maxBodyBytes);
      body = decodeContentEncoding(raw, req.headers['content-encoding'], deps.limits);
      const families = parsePushBody(body, req.headers['content-type']);
      deps.receiver.push(key, families, req.method === 'PUT');
      res.status(200).end();
    } catch (e) {
      const err = asPushError(e, body);
      if (err === undefined) {
        log.error({ err: e instanceof Error ? e.stack : String(e) }, 'push failed');
        res.status(500).type('text/plain').send('internal error\n');
        return;
      }
      log.debug({ method: req.method, path: req.path, status: err.status, reason: err.reason, err: err.message }, 'push refused');
      if (err.reason === 'body_size') res.set('Connection', 'close');
      sendError(res, err);
    }
  });
  router.get('/api/v1/metrics', (_req: Request, res: Response) => {
    res.status(200).json(groupsJson(deps.receiver.view()));
  });
  router.put('/api/v1/admin/wipe', (_req: Request, res: Response) => {
    if (!deps.adminApi) {
      res.status(403).type('text/plain').send('Admin API is not enabled (push.enable_admin_api).\n');
      return;
    }
    deps.receiver.wipe();
    res.status(202).end();
  });
  return router;
}

function asPushError(e: unknown, body: Buffer | undefined): PushRejectedError | undefined {
  if (e instanceof PushRejectedError) return e;
  // expfmt's shape, "text format parsing error in line N: …", plus where line N starts in the (decoded) body.
  if (e instanceof ExpositionParseError) {
    const at = body !== undefined ? ` (line starts at byte offset ${lineStartOffset(body, e.line)})` : '';
    return new PushRejectedError(400, 'parse', `text format parsing error in ${e.message}${at}`, { cause: e });
  }
  if (e instanceof BridgeError) return new PushRejectedError(400, 'invalid', e.message, { cause: e });
  return undefined;
}

/** Byte offset of the start of 1-based `line` in `body`. */
function lineStartOffset(body: Buffer, line: number): number {
  let offset = 0;
  for (let n = 1; n < line; n++) {
    const nl = body.indexOf(10, offset);
    if (nl < 0) return body.length;
    offset = nl + 1;
  }
  return offset;
}

function sendError(res: Response, e: PushRejectedError): void {
  res.status(e.status).type('text/plain').send(`${e.message}\n`);
}

/**
 * Reads the request body, refusing more than `maxBytes` on the wire (the `Content-Length` is checked first, so an
 * announced oversize body is not read at all).
 * @throws PushRejectedError 413 (reason `body_size`)
 */
function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (announced > maxBytes) return Promise.reject(tooLarge('body', maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        done = true;
        reject(tooLarge('body', maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
  });
}
