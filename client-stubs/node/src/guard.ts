/** A @grpc/grpc-js server interceptor that lets only calls with a sufficient keygate key through. */
import * as grpc from '@grpc/grpc-js';
import { KeygateClient } from './client';
import { DETAILS_KEY, KeygateError } from './errors';

export interface GuardOptions {
  /** The keygate client to ask (default: a new one for $KEYGATE_ADDR). */
  client?: KeygateClient;
  /** Full method names that pass without a key (health checks, reflection). */
  public?: string[];
}

/** The key in `authorization: Bearer <key>`, else `x-api-key`; empty if none. */
export function presentedKey(metadata: grpc.Metadata): string {
  const authorization = metadata.get('authorization')[0];
  if (typeof authorization === 'string' && authorization.toLowerCase().startsWith('bearer ')) {
    const token = authorization.slice('bearer '.length).trim();
    if (token) return token;
  }
  const apiKey = metadata.get('x-api-key')[0];
  return typeof apiKey === 'string' ? apiKey.trim() : '';
}

/**
 * Protects a server's methods with keygate:
 *
 *     const server = new grpc.Server({ interceptors: [keygateGuard({
 *       '/tasks.v1.Tasks/ListTasks': ['tasks:read'],
 *       '/tasks.v1.Tasks/*': ['tasks:write'],  // every other method of the service
 *     })] });
 *
 * Methods in `options.public` pass without a key; every other unmapped method is denied (fail
 * closed), so a new method cannot slip through unprotected. A denial reaches the caller with
 * keygate's own code, message and google.rpc details (ErrorInfo reason, RetryInfo).
 */
export function keygateGuard(scopes: Record<string, string[]>,
  options: GuardOptions = {}): grpc.ServerInterceptor {
  const client = options.client ?? new KeygateClient();
  const open = new Set(options.public ?? []);
  const required = (method: string): string[] | undefined =>
    scopes[method] ?? scopes[method.slice(0, method.lastIndexOf('/')) + '/*'];

  return (methodDescriptor, call) => {
    const method = methodDescriptor.path;
    if (open.has(method)) return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => next({
        // grpc-js holds the call's messages until the metadata is passed on, so the check may
        // finish asynchronously
        onReceiveMetadata: (metadata, passOn) => {
          const needed = required(method);
          if (needed === undefined) {
            call.sendStatus({ code: grpc.status.PERMISSION_DENIED,
              details: `${method} is not mapped to keygate scopes` });
            return;
          }
          client.authorize(presentedKey(metadata), needed).then(() => passOn(metadata),
            (error: unknown) => call.sendStatus(denial(error)));
        },
      }),
    });
  };
}

function denial(error: unknown): { code: grpc.status; details: string; metadata?: grpc.Metadata } {
  if (!(error instanceof KeygateError)) {
    return { code: grpc.status.INTERNAL, details: 'keygate check failed' };
  }
  const trailers = new grpc.Metadata();
  if (error.statusDetails) trailers.set(DETAILS_KEY, error.statusDetails);
  return { code: error.code, details: error.details, metadata: trailers };
}
