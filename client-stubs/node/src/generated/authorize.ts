import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from './keygate/v1/ApiKey';
import type { AuthorizeClient as _keygate_v1_AuthorizeClient, AuthorizeDefinition as _keygate_v1_AuthorizeDefinition } from './keygate/v1/Authorize';
import type { CheckRequest as _keygate_v1_CheckRequest, CheckRequest__Output as _keygate_v1_CheckRequest__Output } from './keygate/v1/CheckRequest';
import type { CheckResponse as _keygate_v1_CheckResponse, CheckResponse__Output as _keygate_v1_CheckResponse__Output } from './keygate/v1/CheckResponse';
import type { CreditRefill as _keygate_v1_CreditRefill, CreditRefill__Output as _keygate_v1_CreditRefill__Output } from './keygate/v1/CreditRefill';
import type { Credits as _keygate_v1_Credits, Credits__Output as _keygate_v1_Credits__Output } from './keygate/v1/Credits';
import type { CreditsState as _keygate_v1_CreditsState, CreditsState__Output as _keygate_v1_CreditsState__Output } from './keygate/v1/CreditsState';
import type { RateLimit as _keygate_v1_RateLimit, RateLimit__Output as _keygate_v1_RateLimit__Output } from './keygate/v1/RateLimit';
import type { RateLimitState as _keygate_v1_RateLimitState, RateLimitState__Output as _keygate_v1_RateLimitState__Output } from './keygate/v1/RateLimitState';
import type { Usage as _keygate_v1_Usage, Usage__Output as _keygate_v1_Usage__Output } from './keygate/v1/Usage';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  keygate: {
    v1: {
      ApiKey: MessageTypeDefinition<_keygate_v1_ApiKey, _keygate_v1_ApiKey__Output>
      Authorize: SubtypeConstructor<typeof grpc.Client, _keygate_v1_AuthorizeClient> & { service: _keygate_v1_AuthorizeDefinition }
      CalendarPeriod: EnumTypeDefinition
      CheckRequest: MessageTypeDefinition<_keygate_v1_CheckRequest, _keygate_v1_CheckRequest__Output>
      CheckResponse: MessageTypeDefinition<_keygate_v1_CheckResponse, _keygate_v1_CheckResponse__Output>
      CreditRefill: MessageTypeDefinition<_keygate_v1_CreditRefill, _keygate_v1_CreditRefill__Output>
      Credits: MessageTypeDefinition<_keygate_v1_Credits, _keygate_v1_Credits__Output>
      CreditsState: MessageTypeDefinition<_keygate_v1_CreditsState, _keygate_v1_CreditsState__Output>
      KeyKind: EnumTypeDefinition
      KeyState: EnumTypeDefinition
      LimitScope: EnumTypeDefinition
      RateLimit: MessageTypeDefinition<_keygate_v1_RateLimit, _keygate_v1_RateLimit__Output>
      RateLimitState: MessageTypeDefinition<_keygate_v1_RateLimitState, _keygate_v1_RateLimitState__Output>
      RefillInterval: EnumTypeDefinition
      Usage: MessageTypeDefinition<_keygate_v1_Usage, _keygate_v1_Usage__Output>
    }
  }
}

