import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from './keygate/v1/ApiKey';
import type { CreditRefill as _keygate_v1_CreditRefill, CreditRefill__Output as _keygate_v1_CreditRefill__Output } from './keygate/v1/CreditRefill';
import type { Credits as _keygate_v1_Credits, Credits__Output as _keygate_v1_Credits__Output } from './keygate/v1/Credits';
import type { RateLimit as _keygate_v1_RateLimit, RateLimit__Output as _keygate_v1_RateLimit__Output } from './keygate/v1/RateLimit';
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
      CalendarPeriod: EnumTypeDefinition
      CreditRefill: MessageTypeDefinition<_keygate_v1_CreditRefill, _keygate_v1_CreditRefill__Output>
      Credits: MessageTypeDefinition<_keygate_v1_Credits, _keygate_v1_Credits__Output>
      KeyKind: EnumTypeDefinition
      KeyState: EnumTypeDefinition
      LimitScope: EnumTypeDefinition
      RateLimit: MessageTypeDefinition<_keygate_v1_RateLimit, _keygate_v1_RateLimit__Output>
      RefillInterval: EnumTypeDefinition
      Usage: MessageTypeDefinition<_keygate_v1_Usage, _keygate_v1_Usage__Output>
    }
  }
}

