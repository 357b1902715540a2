// The one import of express (docs/architecture.md, "Seams").
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { SoakbenchError } from '../errors.js';
import { bodyValue, SMALL_BODY_TYPES } from './body.js';
import type { ControllerSettingsPatch, DaemonControl } from './daemon-control.js';
import { toHttpError } from './error-mapper.js';
import { addLivePageRoutes, LIVE_PAGE_PATHS } from './live-page.js';
import { openApiDocument } from './openapi.js';
import { check, checkBacklog, checkRate, controllerSchema } from './schemas.js';

export interface HttpApiOptions {
  control: DaemonControl;
  /** Bearer token for mutating endpoints; empty: none required. */
  token: string;
  bodyLimitBytes: number;
  version: string;
}

/** Compares in constant time (no early exit on the first differing byte). */
function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the time independent of `given`.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

type Handler = (req: Request, res: Response) => unknown;

/** True when the request carried no body bytes. */
function noBytes(req: Request): boolean {
  return req.get('transfer-encoding') === undefined && Number(req.get('content-length') ?? 0) === 0;
}

/** Builds the express app of the HTTP API (docs/architecture.md, "HTTP API"). */
export function createHttpApi(options: HttpApiOptions): express.Express {
  const { control } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const limit = options.bodyLimitBytes;
  const json = express.json({ limit, strict: false, type: ['application/json', 'application/*+json'] });
  const text = express.text({
    limit,
    type: [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/yaml',
      'application/x-yaml',
      'text/yaml',
    ],
  });

  const requireToken = (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!options.token || (match && tokenMatches(match[1]!.trim(), options.token))) {
      next();
      return;
    }
    next(new SoakbenchError('UNAUTHORIZED', 'this endpoint needs Authorization: Bearer <api.token>'));
  };

  /** Refuses bodies of a type no parser took (their body stays undefined but bytes were sent). */
  const requireKnownType =
    (allowed: string[]) =>
    (req: Request, _res: Response, next: NextFunction): void => {
      const type = req.get('content-type');
      const hasBody =
        Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
      if (hasBody && type !== undefined && !allowed.some((t) => req.is(t))) {
        next(
          new SoakbenchError(
            'INVALID_ARGUMENT',
            `content type ${type} is not accepted here; use one of ${allowed.join(', ')}`,
            {
              field: 'content-type',
            },
          ),
        );
        return;
      }
      next();
    };
  const smallTypes = SMALL_BODY_TYPES;
  const workloadTypes = [...smallTypes, 'application/yaml', 'application/x-yaml', 'text/yaml'];

  const route = (handler: Handler) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const out = await handler(req, res);
      if (out !== undefined && !res.headersSent) res.json(out);
    } catch (err) {
      next(err);
    }
  };
  const mutating = (types: string[], handler: Handler) => [
    requireToken,
    requireKnownType(types),
    json,
    text,
    route(handler),
  ];

  app.get(
    '/healthz',
    route((_req, res) => {
      const h = control.health();
      res.status(h.ok ? 200 : 503).json({ status: h.ok ? 'ok' : 'unhealthy', reason: h.reason });
    }),
  );
  app.get(
    '/readyz',
    route((_req, res) => {
      const r = control.readiness();
      res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not ready', reason: r.reason });
    }),
  );
  app.get(
    '/metrics',
    route(async (_req, res) => {
      const m = await control.metrics();
      res.type(m.contentType).send(m.body);
    }),
  );
  app.get(
    '/status',
    route(() => control.status()),
  );
  app.put(
    '/rate',
    ...mutating(smallTypes, (req) => control.setRate(checkRate(bodyValue(req.body, noBytes(req))))),
  );
  // PUT /profile and DELETE /rate hand the rate back to the workload's rateProfile (no body).
  const handBack = (req: Request) => {
    if (!noBytes(req)) {
      throw new SoakbenchError(
        'INVALID_ARGUMENT',
        `${req.method} ${req.path} takes no body: it hands the rate back to the workload's rateProfile (change the profile with PUT /workload)`,
        { field: '(body)' },
      );
    }
    return control.resumeProfile();
  };
  app.delete('/rate', ...mutating(smallTypes, handBack));
  app.put('/profile', ...mutating(smallTypes, handBack));
  app.get(
    '/controller',
    route(() => control.controller()),
  );
  app.put(
    '/controller',
    ...mutating(smallTypes, (req) =>
      control.updateController(
        check<ControllerSettingsPatch>(controllerSchema, bodyValue(req.body, noBytes(req))),
      ),
    ),
  );
  app.put(
    '/workload',
    ...mutating(workloadTypes, async (req) => {
      const body = req.body as unknown;
      if (body === undefined || (typeof body === 'string' && body.trim() === '')) {
        throw new SoakbenchError(
          'INVALID_ARGUMENT',
          'the request body is empty: send an OMB workload (JSON or YAML)',
          {
            field: '(body)',
          },
        );
      }
      const textBody = typeof body === 'string' ? body : JSON.stringify(body);
      return control.replaceWorkload(control.parseWorkload(textBody));
    }),
  );
  app.post(
    '/backlog',
    ...mutating(smallTypes, (req, res) => {
      res.status(202).json(control.startBacklog(checkBacklog(bodyValue(req.body, noBytes(req)))));
    }),
  );
  app.post('/pause', ...mutating(smallTypes, () => control.pause()));
  app.post('/resume', ...mutating(smallTypes, () => control.resume()));
  app.get(
    '/results',
    route(() => control.results()),
  );
  app.get(
    '/openapi.json',
    route(() => openApiDocument(options.version)),
  );
  addLivePageRoutes(app);

  // Known paths with another method: 405 with the allowed ones.
  const allowed: Record<string, string[]> = {
    '/healthz': ['GET'],
    '/readyz': ['GET'],
    '/metrics': ['GET'],
    '/status': ['GET'],
    '/rate': ['PUT', 'DELETE'],
    '/profile': ['PUT'],
    '/controller': ['GET', 'PUT'],
    '/workload': ['PUT'],
    '/backlog': ['POST'],
    '/pause': ['POST'],
    '/resume': ['POST'],
    '/results': ['GET'],
    '/openapi.json': ['GET'],
    ...LIVE_PAGE_PATHS,
  };
  app.use((req: Request, res: Response) => {
    const methods = allowed[req.path];
    if (methods) {
      res.set('Allow', methods.join(', '));
      res.status(405).json({
        error: 'method_not_allowed',
        message: `${req.method} ${req.path}: use ${methods.join(' or ')}`,
      });
      return;
    }
    res.status(404).json({ error: 'not_found', message: `no such endpoint: ${req.method} ${req.path}` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = toHttpError(err);
    if (status === 401) res.set('WWW-Authenticate', 'Bearer');
    res.status(status).json(body);
  });
  return app;
}

/** Starts listening; resolves with the server once bound (rejects on EADDRINUSE and the like). */
export function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new SoakbenchError('INVALID_CONFIG', `cannot listen on ${host}:${port}: ${err.code ?? err.message}`, {
          cause: err,
        }),
      ),
    );
  });
}

/** Stops accepting connections and ends idle ones; resolves when closed or after `timeoutMs`. */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
