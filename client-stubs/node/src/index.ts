/**
 * keygate client for Node.js: authorize API keys and protect @grpc/grpc-js servers with one
 * interceptor. Generated types live in ./generated (client-stubs/generate.sh).
 */
export { DEFAULT_ADDR, KeygateClient, KeygateClientOptions } from './client';
export {
  KeygateError, KeygateUnavailable, KeyUnauthenticated, PermissionDenied, RateLimited, Violation,
  fromServiceError,
} from './errors';
export { GuardOptions, keygateGuard, presentedKey } from './guard';
export { keygateV1, PROTO_DIR } from './protos';
