/**
 * The HTTP side of the guards: which scopes a route needs, and keygate's answer as an HTTP
 * response. The Express middleware (./express) only adapts requests and responses to it.
 */
import { KeygateClient } from './client';
import { KeygateError, KeyUnauthenticated, PermissionDenied, RateLimited } from './errors';
import type { CheckResponse__Output } from './generated/keygate/v1/CheckResponse';

interface Rule { pattern: string; method: string; base: string; prefix: boolean }

/**
 * Route patterns: `'METHOD /path'` or `'/path'` (any method); a path ending in `/*` covers that path
 * and everything below it. The most specific pattern wins: exact before prefix, longer prefix
 * before shorter, with a method before without.
 */
export class RouteTable {
  private readonly rules: Rule[];

  constructor(patterns: Iterable<string>) {
    this.rules = [...patterns].map((pattern) => {
      const trimmed = pattern.trim();
      const space = trimmed.lastIndexOf(' ');
      const method = space < 0 ? '' : trimmed.slice(0, space).trim().toUpperCase();
      const path = trimmed.slice(space + 1);
      if (!path.startsWith('/')) {
        throw new Error(`route pattern '${pattern}': the path must start with '/'`);
      }
      const prefix = path.endsWith('/*');
      return { pattern, method, base: prefix ? path.slice(0, -2) : path, prefix };
    });
  }

  /** The patterns that match, most specific first. */
  match(method: string, path: string): string[] {
    const rank = (r: Rule): number[] => [r.prefix ? 0 : 1, r.base.length, r.method ? 1 : 0];
    return this.rules
      .filter((r) => !r.method || r.method === method.toUpperCase())
      .filter((r) => (r.prefix
        ? path === r.base || path.startsWith(r.base.replace(/\/+$/, '') + '/')
        : path === r.base))
      .sort((a, b) => {
        const [x, y] = [rank(a), rank(b)];
        return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
      })
      .map((r) => r.pattern);
  }
}

/** The response to send instead of calling the application. */
export interface Denied {
  status: number;
  reason: string;
  message: string;
  headers: Record<string, string>;
}

/** What the guard decided: go on (with keygate's decision, absent on public routes) or deny. */
export type Verdict =
  | { allowed: true; decision?: CheckResponse__Output }
  | { allowed: false; denied: Denied };

export interface HttpGuardOptions {
  /** The keygate client to ask (default: a new one for $KEYGATE_ADDR). */
  client?: KeygateClient;
  /** Route patterns that pass without a key (health checks). */
  public?: string[];
}

/** The key in `Authorization: Bearer <key>`, else `X-Api-Key`; empty if none. */
export function presentedHttpKey(headers: Record<string, string | string[] | undefined>): string {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const authorization = first(headers['authorization']);
  if (authorization && authorization.toLowerCase().startsWith('bearer ')) {
    const token = authorization.slice('bearer '.length).trim();
    if (token) return token;
  }
  return (first(headers['x-api-key']) ?? '').trim();
}

/**
 * Decides one HTTP request: the key must hold every scope its route needs. Public routes pass
 * without a key; a route in neither table is denied (403 ROUTE_UNMAPPED), so a new route cannot
 * slip through. Fails closed: keygate unreachable (or any answer but allow, 401, 403, 429) is 503.
 * The key is never logged or echoed; keygate's messages never contain it.
 */
export class HttpGuard {
  private readonly client: KeygateClient;
  private readonly routes: RouteTable;
  private readonly open: RouteTable;

  constructor(private readonly scopes: Record<string, string[]>, options: HttpGuardOptions = {}) {
    this.client = options.client ?? new KeygateClient();
    this.routes = new RouteTable(Object.keys(scopes));
    this.open = new RouteTable(options.public ?? []);
  }

  async decide(method: string, path: string,
    headers: Record<string, string | string[] | undefined>): Promise<Verdict> {
    if (this.open.match(method, path).length > 0) return { allowed: true };
    const matched = this.routes.match(method, path);
    if (matched.length === 0) {
      return { allowed: false, denied: { status: 403, reason: 'ROUTE_UNMAPPED',
        message: `${method} ${path} is not mapped to keygate scopes`, headers: {} } };
    }
    try {
      const decision = await this.client.authorize(presentedHttpKey(headers), this.scopes[matched[0]]);
      return { allowed: true, decision };
    } catch (error) {
      return { allowed: false, denied: denial(error) };
    }
  }
}

/**
 * keygate's refusal as an HTTP response: 401 with a Bearer challenge, 403, 429 with Retry-After
 * (whole seconds, rounded up so a client never retries early), else 503 (fail closed).
 */
export function denial(error: unknown): Denied {
  if (error instanceof KeyUnauthenticated) {
    // RFC 6750: no error code when the request carried no key at all
    const challenge = 'Bearer realm="keygate"' +
      (error.reason === 'KEY_MISSING' ? '' : ', error="invalid_token"');
    return { status: 401, reason: error.reason, message: error.details,
      headers: { 'WWW-Authenticate': challenge } };
  }
  if (error instanceof PermissionDenied) {
    return { status: 403, reason: error.reason, message: error.details, headers: {} };
  }
  if (error instanceof RateLimited) {
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    }
    return { status: 429, reason: error.reason, message: error.details, headers };
  }
  const reason = error instanceof KeygateError ? error.reason : 'INTERNAL';
  return { status: 503, reason, message: 'keygate could not decide this request',
    headers: { 'Retry-After': '1' } };
}

/** The JSON body of a denial: {"error": {"status", "reason", "message"}}. */
export function denialBody(denied: Denied): string {
  return JSON.stringify({ error: { status: denied.status, reason: denied.reason,
    message: denied.message } });
}
