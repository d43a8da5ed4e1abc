/**
 * Express middleware that lets a request reach the routes only with a keygate key holding its
 * route's scopes. Typed structurally on Node's http types, so the package needs no Express types.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { HttpGuard, HttpGuardOptions, denialBody } from './http';

type Request = IncomingMessage & { originalUrl?: string };
type Response = ServerResponse & { locals?: Record<string, unknown> };

/**
 * Protects an Express app:
 *
 *     app.use(keygateExpress({
 *       'GET /tasks': ['tasks:read'],
 *       '/tasks/*': ['tasks:write'],     // every other method and path below /tasks/
 *     }, { public: ['GET /healthz'] }));
 *
 * A route handler reads keygate's CheckResponse (keyId, project, grantedScopes) from
 * `res.locals.keygate`. Route rules and denials are those of HttpGuard: 401 with
 * WWW-Authenticate, 403, 429 with Retry-After, 503 when keygate cannot be reached (fail closed).
 */
export function keygateExpress(scopes: Record<string, string[]>, options: HttpGuardOptions = {}) {
  const guard = new HttpGuard(scopes, options);
  return (req: Request, res: Response, next: (error?: unknown) => void): void => {
    // originalUrl, not url: a router mounted under a prefix rewrites req.url
    const path = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').pathname;
    guard.decide(req.method ?? 'GET', path, req.headers).then((verdict) => {
      if (!verdict.allowed) {
        const body = denialBody(verdict.denied);
        res.writeHead(verdict.denied.status, { ...verdict.denied.headers,
          'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (res.locals) res.locals.keygate = verdict.decision;
      next();
    }, next);
  };
}
