/**
 * keygate client for Node.js: authorize API keys, protect @grpc/grpc-js servers with one
 * interceptor and Express apps with one middleware. Generated types live in ./generated
 * (client-stubs/generate.sh).
 */
export { DEFAULT_ADDR, KeygateClient, KeygateClientOptions } from './client';
export {
  KeygateError, KeygateUnavailable, KeyUnauthenticated, PermissionDenied, RateLimited, Violation,
  fromServiceError,
} from './errors';
export { keygateExpress } from './express';
export { GuardOptions, keygateGuard, presentedKey } from './guard';
export {
  Denied, HttpGuard, HttpGuardOptions, RouteTable, Verdict, denial, denialBody, presentedHttpKey,
} from './http';
export { keygateV1, PROTO_DIR } from './protos';
export type { CheckResponse__Output as CheckResponse } from './generated/keygate/v1/CheckResponse';
