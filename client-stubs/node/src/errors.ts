/** Typed keygate errors, decoded from the google.rpc details of a gRPC status. */
import * as grpc from '@grpc/grpc-js';
import { Type } from 'protobufjs';
import { rpcRoot } from './protos';

export const DOMAIN = 'keygate';
export const DETAILS_KEY = 'grpc-status-details-bin';

const HTTP: Partial<Record<grpc.status, number>> = {
  [grpc.status.UNAUTHENTICATED]: 401,
  [grpc.status.PERMISSION_DENIED]: 403,
  [grpc.status.RESOURCE_EXHAUSTED]: 429,
  [grpc.status.INVALID_ARGUMENT]: 400,
  [grpc.status.FAILED_PRECONDITION]: 400,
  [grpc.status.NOT_FOUND]: 404,
  [grpc.status.ALREADY_EXISTS]: 409,
  [grpc.status.ABORTED]: 409,
  [grpc.status.UNAVAILABLE]: 503,
};

/** One violation from QuotaFailure ({subject, description}) or BadRequest ({field, description}). */
export interface Violation { subject?: string; field?: string; description: string }

/**
 * A keygate call failed. `reason` is keygate's stable ErrorInfo reason (KEY_UNKNOWN, SCOPE_MISSING,
 * RATE_LIMITED, ...), or the gRPC code's name when the failure did not come from keygate itself
 * (the sidecar is down, a deadline passed).
 */
export class KeygateError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly reason: string,
    readonly details: string,
    readonly metadata: Record<string, string> = {},
    /** Milliseconds to wait before retrying (RetryInfo); undefined if keygate gave none. */
    readonly retryAfterMs?: number,
    readonly quotaViolations: Violation[] = [],
    readonly fieldViolations: Violation[] = [],
    /** The encoded google.rpc.Status, so a guard can pass the details on unchanged. */
    readonly statusDetails?: Buffer,
  ) {
    super(`${grpc.status[code]} ${reason}: ${details}`);
    this.name = new.target.name;
  }

  /** The HTTP status keygate's table gives this failure (500 for codes outside the table). */
  get httpStatus(): number {
    return HTTP[this.code] ?? 500;
  }
}

/** 401: no key, or a malformed, unknown, expired, revoked or wrong-environment key. */
export class KeyUnauthenticated extends KeygateError {}
/** 403: the key lacks a required scope (`metadata.missing_scopes`). */
export class PermissionDenied extends KeygateError {}
/** 429: the key's rate limit is used up; `retryAfterMs` says for how long. */
export class RateLimited extends KeygateError {}
/** 503: keygate (or its key store) cannot be reached. Fail closed. */
export class KeygateUnavailable extends KeygateError {}

const TYPES: Partial<Record<grpc.status, typeof KeygateError>> = {
  [grpc.status.UNAUTHENTICATED]: KeyUnauthenticated,
  [grpc.status.PERMISSION_DENIED]: PermissionDenied,
  [grpc.status.RESOURCE_EXHAUSTED]: RateLimited,
  [grpc.status.UNAVAILABLE]: KeygateUnavailable,
};

const Status = rpcRoot.lookupType('google.rpc.Status');

function durationMs(d: { seconds?: unknown; nanos?: number } | undefined): number | undefined {
  return d ? Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : undefined;
}

/** Turns a failed call's status into the matching KeygateError subclass. */
export function fromServiceError(error: grpc.ServiceError): KeygateError {
  const code = error.code;
  let reason = grpc.status[code] ?? 'UNKNOWN';
  let metadata: Record<string, string> = {};
  let retryAfterMs: number | undefined;
  let quota: Violation[] = [];
  let fields: Violation[] = [];
  const raw = error.metadata?.get(DETAILS_KEY)[0];
  const statusDetails = Buffer.isBuffer(raw) ? raw : undefined;
  if (statusDetails) {
    const status = Status.toObject(Status.decode(statusDetails), { longs: Number }) as
      { details?: { type_url?: string; typeUrl?: string; value: Uint8Array }[] };
    for (const any of status.details ?? []) {
      const typeName = (any.typeUrl ?? any.type_url ?? '').split('/').pop() ?? '';
      const type = rpcRoot.lookup(typeName);
      if (!(type instanceof Type)) continue; // a detail type keygate does not send
      const detail = type.toObject(type.decode(any.value), { longs: Number, defaults: true });
      if (typeName === 'google.rpc.ErrorInfo' && detail.domain === DOMAIN) {
        reason = detail.reason;
        metadata = detail.metadata ?? {};
      } else if (typeName === 'google.rpc.RetryInfo') {
        retryAfterMs = durationMs(detail.retryDelay);
      } else if (typeName === 'google.rpc.QuotaFailure') {
        quota = (detail.violations ?? []).map((v: Violation) =>
          ({ subject: v.subject, description: v.description }));
      } else if (typeName === 'google.rpc.BadRequest') {
        fields = (detail.fieldViolations ?? []).map((v: Violation) =>
          ({ field: v.field, description: v.description }));
      }
    }
  }
  const ErrorType = TYPES[code] ?? KeygateError;
  return new ErrorType(code, reason, error.details ?? '', metadata, retryAfterMs, quota, fields,
    statusDetails);
}
