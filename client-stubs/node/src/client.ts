/** A thin client for keygate's Authorize service, plus the generated KeyAdmin client. */
import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from './errors';
import { keygateV1 } from './protos';
import type { AuthorizeClient } from './generated/keygate/v1/Authorize';
import type { CheckResponse__Output } from './generated/keygate/v1/CheckResponse';
import type { KeyAdminClient } from './generated/keygate/v1/KeyAdmin';

export const DEFAULT_ADDR = '127.0.0.1:7070';

export interface KeygateClientOptions {
  /** host:port of the sidecar; default $KEYGATE_ADDR, else 127.0.0.1:7070. */
  address?: string;
  /** Deadline of one authorize call in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Channel credentials (default: plaintext, as for a loopback sidecar). */
  credentials?: grpc.ChannelCredentials;
}

/**
 * `authorize` resolves with keygate's CheckResponse when the key may make the call and rejects
 * with a KeygateError subclass when it may not. `admin` is the generated KeyAdmin client.
 */
export class KeygateClient {
  readonly address: string;
  readonly admin: KeyAdminClient;
  private readonly authorizeStub: AuthorizeClient;
  private readonly timeoutMs: number;

  constructor(options: KeygateClientOptions = {}) {
    this.address = options.address || process.env.KEYGATE_ADDR || DEFAULT_ADDR;
    this.timeoutMs = options.timeoutMs ?? 2000;
    const credentials = options.credentials ?? grpc.credentials.createInsecure();
    this.authorizeStub = new keygateV1.Authorize(this.address, credentials);
    // one channel for both services
    this.admin = new keygateV1.KeyAdmin(this.address, credentials,
      { channelOverride: this.authorizeStub.getChannel() });
  }

  /** Asks keygate whether `key` may make a call needing every one of `scopes`. */
  authorize(key: string, scopes: string[] = []): Promise<CheckResponse__Output> {
    return new Promise((resolve, reject) => {
      this.authorizeStub.Check({ key: key ?? '', requiredScopes: scopes }, new grpc.Metadata(),
        { deadline: Date.now() + this.timeoutMs },
        (error, response) => (error ? reject(fromServiceError(error)) : resolve(response!)));
    });
  }

  close(): void {
    this.authorizeStub.close();
  }
}
