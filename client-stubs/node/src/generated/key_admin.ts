import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from './google/protobuf/FieldMask';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';
import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from './keygate/v1/ApiKey';
import type { AuditEvent as _keygate_v1_AuditEvent, AuditEvent__Output as _keygate_v1_AuditEvent__Output } from './keygate/v1/AuditEvent';
import type { CreateKeyRequest as _keygate_v1_CreateKeyRequest, CreateKeyRequest__Output as _keygate_v1_CreateKeyRequest__Output } from './keygate/v1/CreateKeyRequest';
import type { CreateKeyResponse as _keygate_v1_CreateKeyResponse, CreateKeyResponse__Output as _keygate_v1_CreateKeyResponse__Output } from './keygate/v1/CreateKeyResponse';
import type { CreditRefill as _keygate_v1_CreditRefill, CreditRefill__Output as _keygate_v1_CreditRefill__Output } from './keygate/v1/CreditRefill';
import type { Credits as _keygate_v1_Credits, Credits__Output as _keygate_v1_Credits__Output } from './keygate/v1/Credits';
import type { DisableKeyRequest as _keygate_v1_DisableKeyRequest, DisableKeyRequest__Output as _keygate_v1_DisableKeyRequest__Output } from './keygate/v1/DisableKeyRequest';
import type { EnableKeyRequest as _keygate_v1_EnableKeyRequest, EnableKeyRequest__Output as _keygate_v1_EnableKeyRequest__Output } from './keygate/v1/EnableKeyRequest';
import type { GetKeyRequest as _keygate_v1_GetKeyRequest, GetKeyRequest__Output as _keygate_v1_GetKeyRequest__Output } from './keygate/v1/GetKeyRequest';
import type { ImportFieldViolation as _keygate_v1_ImportFieldViolation, ImportFieldViolation__Output as _keygate_v1_ImportFieldViolation__Output } from './keygate/v1/ImportFieldViolation';
import type { ImportKeysRequest as _keygate_v1_ImportKeysRequest, ImportKeysRequest__Output as _keygate_v1_ImportKeysRequest__Output } from './keygate/v1/ImportKeysRequest';
import type { ImportKeysResponse as _keygate_v1_ImportKeysResponse, ImportKeysResponse__Output as _keygate_v1_ImportKeysResponse__Output } from './keygate/v1/ImportKeysResponse';
import type { ImportResult as _keygate_v1_ImportResult, ImportResult__Output as _keygate_v1_ImportResult__Output } from './keygate/v1/ImportResult';
import type { ImportedKey as _keygate_v1_ImportedKey, ImportedKey__Output as _keygate_v1_ImportedKey__Output } from './keygate/v1/ImportedKey';
import type { KeyAdminClient as _keygate_v1_KeyAdminClient, KeyAdminDefinition as _keygate_v1_KeyAdminDefinition } from './keygate/v1/KeyAdmin';
import type { ListEventsRequest as _keygate_v1_ListEventsRequest, ListEventsRequest__Output as _keygate_v1_ListEventsRequest__Output } from './keygate/v1/ListEventsRequest';
import type { ListEventsResponse as _keygate_v1_ListEventsResponse, ListEventsResponse__Output as _keygate_v1_ListEventsResponse__Output } from './keygate/v1/ListEventsResponse';
import type { ListKeysRequest as _keygate_v1_ListKeysRequest, ListKeysRequest__Output as _keygate_v1_ListKeysRequest__Output } from './keygate/v1/ListKeysRequest';
import type { ListKeysResponse as _keygate_v1_ListKeysResponse, ListKeysResponse__Output as _keygate_v1_ListKeysResponse__Output } from './keygate/v1/ListKeysResponse';
import type { RateLimit as _keygate_v1_RateLimit, RateLimit__Output as _keygate_v1_RateLimit__Output } from './keygate/v1/RateLimit';
import type { RevokeKeyRequest as _keygate_v1_RevokeKeyRequest, RevokeKeyRequest__Output as _keygate_v1_RevokeKeyRequest__Output } from './keygate/v1/RevokeKeyRequest';
import type { RotateKeyRequest as _keygate_v1_RotateKeyRequest, RotateKeyRequest__Output as _keygate_v1_RotateKeyRequest__Output } from './keygate/v1/RotateKeyRequest';
import type { RotateKeyResponse as _keygate_v1_RotateKeyResponse, RotateKeyResponse__Output as _keygate_v1_RotateKeyResponse__Output } from './keygate/v1/RotateKeyResponse';
import type { UpdateKeyRequest as _keygate_v1_UpdateKeyRequest, UpdateKeyRequest__Output as _keygate_v1_UpdateKeyRequest__Output } from './keygate/v1/UpdateKeyRequest';
import type { Usage as _keygate_v1_Usage, Usage__Output as _keygate_v1_Usage__Output } from './keygate/v1/Usage';
import type { WatchEventsRequest as _keygate_v1_WatchEventsRequest, WatchEventsRequest__Output as _keygate_v1_WatchEventsRequest__Output } from './keygate/v1/WatchEventsRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
      FieldMask: MessageTypeDefinition<_google_protobuf_FieldMask, _google_protobuf_FieldMask__Output>
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  keygate: {
    v1: {
      ApiKey: MessageTypeDefinition<_keygate_v1_ApiKey, _keygate_v1_ApiKey__Output>
      AuditEvent: MessageTypeDefinition<_keygate_v1_AuditEvent, _keygate_v1_AuditEvent__Output>
      CalendarPeriod: EnumTypeDefinition
      CreateKeyRequest: MessageTypeDefinition<_keygate_v1_CreateKeyRequest, _keygate_v1_CreateKeyRequest__Output>
      CreateKeyResponse: MessageTypeDefinition<_keygate_v1_CreateKeyResponse, _keygate_v1_CreateKeyResponse__Output>
      CreditRefill: MessageTypeDefinition<_keygate_v1_CreditRefill, _keygate_v1_CreditRefill__Output>
      Credits: MessageTypeDefinition<_keygate_v1_Credits, _keygate_v1_Credits__Output>
      DisableKeyRequest: MessageTypeDefinition<_keygate_v1_DisableKeyRequest, _keygate_v1_DisableKeyRequest__Output>
      EnableKeyRequest: MessageTypeDefinition<_keygate_v1_EnableKeyRequest, _keygate_v1_EnableKeyRequest__Output>
      GetKeyRequest: MessageTypeDefinition<_keygate_v1_GetKeyRequest, _keygate_v1_GetKeyRequest__Output>
      ImportFieldViolation: MessageTypeDefinition<_keygate_v1_ImportFieldViolation, _keygate_v1_ImportFieldViolation__Output>
      ImportKeysRequest: MessageTypeDefinition<_keygate_v1_ImportKeysRequest, _keygate_v1_ImportKeysRequest__Output>
      ImportKeysResponse: MessageTypeDefinition<_keygate_v1_ImportKeysResponse, _keygate_v1_ImportKeysResponse__Output>
      ImportResult: MessageTypeDefinition<_keygate_v1_ImportResult, _keygate_v1_ImportResult__Output>
      ImportedKey: MessageTypeDefinition<_keygate_v1_ImportedKey, _keygate_v1_ImportedKey__Output>
      KeyAdmin: SubtypeConstructor<typeof grpc.Client, _keygate_v1_KeyAdminClient> & { service: _keygate_v1_KeyAdminDefinition }
      KeyKind: EnumTypeDefinition
      KeyState: EnumTypeDefinition
      LimitScope: EnumTypeDefinition
      ListEventsRequest: MessageTypeDefinition<_keygate_v1_ListEventsRequest, _keygate_v1_ListEventsRequest__Output>
      ListEventsResponse: MessageTypeDefinition<_keygate_v1_ListEventsResponse, _keygate_v1_ListEventsResponse__Output>
      ListKeysRequest: MessageTypeDefinition<_keygate_v1_ListKeysRequest, _keygate_v1_ListKeysRequest__Output>
      ListKeysResponse: MessageTypeDefinition<_keygate_v1_ListKeysResponse, _keygate_v1_ListKeysResponse__Output>
      RateLimit: MessageTypeDefinition<_keygate_v1_RateLimit, _keygate_v1_RateLimit__Output>
      RefillInterval: EnumTypeDefinition
      RevokeKeyRequest: MessageTypeDefinition<_keygate_v1_RevokeKeyRequest, _keygate_v1_RevokeKeyRequest__Output>
      RotateKeyRequest: MessageTypeDefinition<_keygate_v1_RotateKeyRequest, _keygate_v1_RotateKeyRequest__Output>
      RotateKeyResponse: MessageTypeDefinition<_keygate_v1_RotateKeyResponse, _keygate_v1_RotateKeyResponse__Output>
      UpdateKeyRequest: MessageTypeDefinition<_keygate_v1_UpdateKeyRequest, _keygate_v1_UpdateKeyRequest__Output>
      Usage: MessageTypeDefinition<_keygate_v1_Usage, _keygate_v1_Usage__Output>
      WatchEventsRequest: MessageTypeDefinition<_keygate_v1_WatchEventsRequest, _keygate_v1_WatchEventsRequest__Output>
    }
  }
}

