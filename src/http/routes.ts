import { renderRulePage } from './rule-page.js';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import compression from 'compression';
import type { Logger } from '../log/logger.js';
import type { SeriesStore } from '../store/types.js';
import { metricsHandler } from './metrics-route.js';
import { readPageData } from './page/page-data.js';
import { PAGE_HTML } from './page/page-html.js';
import { pushRouter, type PushHttpDeps } from './push-routes.js';
import type { RemoteWriteReceiver } from '../sources/remote-write/receiver.js';
import { remoteWriteHandler } from './write-route.js';
import { createApiRouter, type ApiDeps } from './api/router.js';

/** What the HTTP layer reads; the app wires it. */
export interface HttpDeps {
  readonly store: SeriesStore;
  /** Runs before each `/metrics` render: the app copies its self-metrics into the store there. */
  readonly beforeRender?: () => Promise<void>;
  readonly logger: Logger;
  /** True once the first poll cycle finished. */
  readonly ready: () => boolean;
  /** Basic-auth check from `--web.config.file`; absent ⇒ no auth. May be async (bcrypt off the event loop). */
  readonly authorize?: (authorizationHeader: string | undefined) => boolean | Promise<boolean>;
  /** Present only with `--web.enable-lifecycle`: re-reads the config file; rejects with a ConfigError message. */
  readonly reload?: () => Promise<void>;
  /** The Flink REST URL the landing page names (the cluster facts themselves are read from the store). */
  readonly restUrl: () => string;
  /** `push.group_ttl` in ms for the status page's "TTL left"; absent or undefined ⇒ not shown. */
  readonly pushGroupTtlMs?: () => number | undefined;
  /** The Pushgateway API (`push.enabled`); absent ⇒ its paths answer 404. */
  readonly push?: PushHttpDeps;
  /** The remote-write receiver behind `POST /api/v1/write` (404 while `remote_write_receiver.enabled` is false). */
  readonly remoteWrite?: RemoteWriteReceiver;
  /** The Prometheus HTTP query API under `/api/v1`; absent ⇒ not served. */
  readonly api?: ApiDeps;
}

/**
 * Routes of DESIGN.md §3 "HTTP" built at this stage: `GET /metrics` (text 0.0.4 or OpenMetrics by `Accept`, gzip
 * by `Accept-Encoding`), `GET /-/healthy`, `GET /-/ready` (503 until the first poll finished), `POST|PUT /-/reload`
 * (only with `--web.enable-lifecycle`, like Prometheus; 403 otherwise), `POST /api/v1/write` (remote-write receiver,
 * `write-route.ts`), the status page at `/` with its data at `GET /api/v1/status/flink`.
 */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.authorize) {
    const authorize = deps.authorize;
    app.use(async (req: Request, res: Response, next: NextFunction) => {
      if (await authorize(req.headers.authorization)) return next();
      res.set('WWW-Authenticate', 'Basic').status(401).type('text/plain').send('Unauthorized\n');
    });
  }
  // Before the compression middleware: /metrics compresses itself, a chunk at a time, so that its chunks can be
  // reused once compressed (metrics-route.ts).
  app.get('/metrics', metricsHandler(deps));

  // compression's default filter only knows mime-db's compressible types, and application/openmetrics-text is not one
  // of them: without this, the format Prometheus 3.x prefers would be sent uncompressed.
  app.use(
    compression({
      filter: (req, res) => /^application\/openmetrics-text/.test(String(res.getHeader('Content-Type') ?? '')) || compression.filter(req, res),
    }),
  );

  if (deps.push) app.use(pushRouter(deps.push));

  // Before the query API's router, whose body parser would otherwise see the remote-write request first.
  if (deps.remoteWrite) app.post('/api/v1/write', remoteWriteHandler(deps.remoteWrite));
  // The status page's data (page/page-data.ts), in the API's envelope; self-metrics refreshed as for /metrics.
  app.get('/api/v1/status/flink', async (_req: Request, res: Response) => {
    try {
      await deps.beforeRender?.();
      const ttl = deps.pushGroupTtlMs?.();
      res.status(200).json({ status: 'success', data: readPageData(deps.store, Date.now(), { restUrl: deps.restUrl(), ...(ttl !== undefined ? { pushGroupTtlMs: ttl } : {}) }) });
    } catch (e) {
      deps.logger.error({ err: e instanceof Error ? e.stack : String(e) }, 'building the status page data failed');
      res.status(500).json({ status: 'error', errorType: 'internal', error: 'building the status page data failed' });
    }
  });
  if (deps.api) app.use('/api/v1', createApiRouter(deps.api));

  app.get('/-/healthy', (_req: Request, res: Response) => {
    res.status(200).type('text/plain').send('Flink Prometheus Bridge is Healthy.\n');
  });
  app.get('/-/ready', (_req: Request, res: Response) => {
    if (deps.ready()) res.status(200).type('text/plain').send('Flink Prometheus Bridge is Ready.\n');
    else res.status(503).type('text/plain').send('Flink Prometheus Bridge is not ready: the first Flink poll has not finished.\n');
  });
  const reload = async (_req: Request, res: Response): Promise<void> => {
    if (!deps.reload) {
      res.status(403).type('text/plain').send('Lifecycle API is not enabled.\n');
      return;
    }
    try {
      await deps.reload();
      res.status(200).type('text/plain').send('');
    } catch (e) {
      res.status(500).type('text/plain').send(`failed to reload config: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  app.post('/-/reload', reload);
  app.put('/-/reload', reload);

  // Alerts' generatorURL (Prometheus's shape, so a central Prometheus's links look alike): the rules with this
  // expression, their alerts and the incident context captured when they started firing.
  app.get('/graph', (req: Request, res: Response) => {
    const expr = typeof req.query['g0.expr'] === 'string' ? req.query['g0.expr'] : '';
    res.status(200).type('text/html').send(renderRulePage(deps.api?.ruleGroups?.() ?? [], expr));
  });

  // The status page: static HTML whose script reads the JSON below and the query API (page/page-html.ts).
  app.get('/', (_req: Request, res: Response) => {
    res.status(200).type('text/html').set('Cache-Control', 'no-cache').send(PAGE_HTML);
  });
  return app;
}

