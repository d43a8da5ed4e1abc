// Original file: keygate/v1/key_admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from '../../keygate/v1/ApiKey';
import type { AuditEvent as _keygate_v1_AuditEvent, AuditEvent__Output as _keygate_v1_AuditEvent__Output } from '../../keygate/v1/AuditEvent';
import type { CreateKeyRequest as _keygate_v1_CreateKeyRequest, CreateKeyRequest__Output as _keygate_v1_CreateKeyRequest__Output } from '../../keygate/v1/CreateKeyRequest';
import type { CreateKeyResponse as _keygate_v1_CreateKeyResponse, CreateKeyResponse__Output as _keygate_v1_CreateKeyResponse__Output } from '../../keygate/v1/CreateKeyResponse';
import type { DisableKeyRequest as _keygate_v1_DisableKeyRequest, DisableKeyRequest__Output as _keygate_v1_DisableKeyRequest__Output } from '../../keygate/v1/DisableKeyRequest';
import type { EnableKeyRequest as _keygate_v1_EnableKeyRequest, EnableKeyRequest__Output as _keygate_v1_EnableKeyRequest__Output } from '../../keygate/v1/EnableKeyRequest';
import type { GetKeyRequest as _keygate_v1_GetKeyRequest, GetKeyRequest__Output as _keygate_v1_GetKeyRequest__Output } from '../../keygate/v1/GetKeyRequest';
import type { ImportKeysRequest as _keygate_v1_ImportKeysRequest, ImportKeysRequest__Output as _keygate_v1_ImportKeysRequest__Output } from '../../keygate/v1/ImportKeysRequest';
import type { ImportKeysResponse as _keygate_v1_ImportKeysResponse, ImportKeysResponse__Output as _keygate_v1_ImportKeysResponse__Output } from '../../keygate/v1/ImportKeysResponse';
import type { ListEventsRequest as _keygate_v1_ListEventsRequest, ListEventsRequest__Output as _keygate_v1_ListEventsRequest__Output } from '../../keygate/v1/ListEventsRequest';
import type { ListEventsResponse as _keygate_v1_ListEventsResponse, ListEventsResponse__Output as _keygate_v1_ListEventsResponse__Output } from '../../keygate/v1/ListEventsResponse';
import type { ListKeysRequest as _keygate_v1_ListKeysRequest, ListKeysRequest__Output as _keygate_v1_ListKeysRequest__Output } from '../../keygate/v1/ListKeysRequest';
import type { ListKeysResponse as _keygate_v1_ListKeysResponse, ListKeysResponse__Output as _keygate_v1_ListKeysResponse__Output } from '../../keygate/v1/ListKeysResponse';
import type { RevokeKeyRequest as _keygate_v1_RevokeKeyRequest, RevokeKeyRequest__Output as _keygate_v1_RevokeKeyRequest__Output } from '../../keygate/v1/RevokeKeyRequest';
import type { RotateKeyRequest as _keygate_v1_RotateKeyRequest, RotateKeyRequest__Output as _keygate_v1_RotateKeyRequest__Output } from '../../keygate/v1/RotateKeyRequest';
import type { RotateKeyResponse as _keygate_v1_RotateKeyResponse, RotateKeyResponse__Output as _keygate_v1_RotateKeyResponse__Output } from '../../keygate/v1/RotateKeyResponse';
import type { UpdateKeyRequest as _keygate_v1_UpdateKeyRequest, UpdateKeyRequest__Output as _keygate_v1_UpdateKeyRequest__Output } from '../../keygate/v1/UpdateKeyRequest';
import type { WatchEventsRequest as _keygate_v1_WatchEventsRequest, WatchEventsRequest__Output as _keygate_v1_WatchEventsRequest__Output } from '../../keygate/v1/WatchEventsRequest';

export interface KeyAdminClient extends grpc.Client {
  CreateKey(argument: _keygate_v1_CreateKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateKey(argument: _keygate_v1_CreateKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateKey(argument: _keygate_v1_CreateKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateKey(argument: _keygate_v1_CreateKeyRequest, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  createKey(argument: _keygate_v1_CreateKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  createKey(argument: _keygate_v1_CreateKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  createKey(argument: _keygate_v1_CreateKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  createKey(argument: _keygate_v1_CreateKeyRequest, callback: grpc.requestCallback<_keygate_v1_CreateKeyResponse__Output>): grpc.ClientUnaryCall;
  
  DisableKey(argument: _keygate_v1_DisableKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  DisableKey(argument: _keygate_v1_DisableKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  DisableKey(argument: _keygate_v1_DisableKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  DisableKey(argument: _keygate_v1_DisableKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  disableKey(argument: _keygate_v1_DisableKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  disableKey(argument: _keygate_v1_DisableKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  disableKey(argument: _keygate_v1_DisableKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  disableKey(argument: _keygate_v1_DisableKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  
  EnableKey(argument: _keygate_v1_EnableKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  EnableKey(argument: _keygate_v1_EnableKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  EnableKey(argument: _keygate_v1_EnableKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  EnableKey(argument: _keygate_v1_EnableKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  enableKey(argument: _keygate_v1_EnableKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  enableKey(argument: _keygate_v1_EnableKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  enableKey(argument: _keygate_v1_EnableKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  enableKey(argument: _keygate_v1_EnableKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  
  GetKey(argument: _keygate_v1_GetKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  GetKey(argument: _keygate_v1_GetKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  GetKey(argument: _keygate_v1_GetKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  GetKey(argument: _keygate_v1_GetKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  getKey(argument: _keygate_v1_GetKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  getKey(argument: _keygate_v1_GetKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  getKey(argument: _keygate_v1_GetKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  getKey(argument: _keygate_v1_GetKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  
  ImportKeys(argument: _keygate_v1_ImportKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  ImportKeys(argument: _keygate_v1_ImportKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  ImportKeys(argument: _keygate_v1_ImportKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  ImportKeys(argument: _keygate_v1_ImportKeysRequest, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  importKeys(argument: _keygate_v1_ImportKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  importKeys(argument: _keygate_v1_ImportKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  importKeys(argument: _keygate_v1_ImportKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  importKeys(argument: _keygate_v1_ImportKeysRequest, callback: grpc.requestCallback<_keygate_v1_ImportKeysResponse__Output>): grpc.ClientUnaryCall;
  
  ListEvents(argument: _keygate_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _keygate_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _keygate_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  ListEvents(argument: _keygate_v1_ListEventsRequest, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _keygate_v1_ListEventsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _keygate_v1_ListEventsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _keygate_v1_ListEventsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  listEvents(argument: _keygate_v1_ListEventsRequest, callback: grpc.requestCallback<_keygate_v1_ListEventsResponse__Output>): grpc.ClientUnaryCall;
  
  ListKeys(argument: _keygate_v1_ListKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  ListKeys(argument: _keygate_v1_ListKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  ListKeys(argument: _keygate_v1_ListKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  ListKeys(argument: _keygate_v1_ListKeysRequest, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  listKeys(argument: _keygate_v1_ListKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  listKeys(argument: _keygate_v1_ListKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  listKeys(argument: _keygate_v1_ListKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  listKeys(argument: _keygate_v1_ListKeysRequest, callback: grpc.requestCallback<_keygate_v1_ListKeysResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeKey(argument: _keygate_v1_RevokeKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  RevokeKey(argument: _keygate_v1_RevokeKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  RevokeKey(argument: _keygate_v1_RevokeKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  RevokeKey(argument: _keygate_v1_RevokeKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeKey(argument: _keygate_v1_RevokeKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeKey(argument: _keygate_v1_RevokeKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeKey(argument: _keygate_v1_RevokeKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  revokeKey(argument: _keygate_v1_RevokeKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  
  RotateKey(argument: _keygate_v1_RotateKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateKey(argument: _keygate_v1_RotateKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateKey(argument: _keygate_v1_RotateKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateKey(argument: _keygate_v1_RotateKeyRequest, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateKey(argument: _keygate_v1_RotateKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateKey(argument: _keygate_v1_RotateKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateKey(argument: _keygate_v1_RotateKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateKey(argument: _keygate_v1_RotateKeyRequest, callback: grpc.requestCallback<_keygate_v1_RotateKeyResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateKey(argument: _keygate_v1_UpdateKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  UpdateKey(argument: _keygate_v1_UpdateKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  UpdateKey(argument: _keygate_v1_UpdateKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  UpdateKey(argument: _keygate_v1_UpdateKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  updateKey(argument: _keygate_v1_UpdateKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  updateKey(argument: _keygate_v1_UpdateKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  updateKey(argument: _keygate_v1_UpdateKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  updateKey(argument: _keygate_v1_UpdateKeyRequest, callback: grpc.requestCallback<_keygate_v1_ApiKey__Output>): grpc.ClientUnaryCall;
  
  WatchEvents(argument: _keygate_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_keygate_v1_AuditEvent__Output>;
  WatchEvents(argument: _keygate_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_keygate_v1_AuditEvent__Output>;
  watchEvents(argument: _keygate_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_keygate_v1_AuditEvent__Output>;
  watchEvents(argument: _keygate_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_keygate_v1_AuditEvent__Output>;
  
}

export interface KeyAdminHandlers extends grpc.UntypedServiceImplementation {
  CreateKey: grpc.handleUnaryCall<_keygate_v1_CreateKeyRequest__Output, _keygate_v1_CreateKeyResponse>;
  
  DisableKey: grpc.handleUnaryCall<_keygate_v1_DisableKeyRequest__Output, _keygate_v1_ApiKey>;
  
  EnableKey: grpc.handleUnaryCall<_keygate_v1_EnableKeyRequest__Output, _keygate_v1_ApiKey>;
  
  GetKey: grpc.handleUnaryCall<_keygate_v1_GetKeyRequest__Output, _keygate_v1_ApiKey>;
  
  ImportKeys: grpc.handleUnaryCall<_keygate_v1_ImportKeysRequest__Output, _keygate_v1_ImportKeysResponse>;
  
  ListEvents: grpc.handleUnaryCall<_keygate_v1_ListEventsRequest__Output, _keygate_v1_ListEventsResponse>;
  
  ListKeys: grpc.handleUnaryCall<_keygate_v1_ListKeysRequest__Output, _keygate_v1_ListKeysResponse>;
  
  RevokeKey: grpc.handleUnaryCall<_keygate_v1_RevokeKeyRequest__Output, _keygate_v1_ApiKey>;
  
  RotateKey: grpc.handleUnaryCall<_keygate_v1_RotateKeyRequest__Output, _keygate_v1_RotateKeyResponse>;
  
  UpdateKey: grpc.handleUnaryCall<_keygate_v1_UpdateKeyRequest__Output, _keygate_v1_ApiKey>;
  
  WatchEvents: grpc.handleServerStreamingCall<_keygate_v1_WatchEventsRequest__Output, _keygate_v1_AuditEvent>;
  
}

export interface KeyAdminDefinition extends grpc.ServiceDefinition {
  CreateKey: MethodDefinition<_keygate_v1_CreateKeyRequest, _keygate_v1_CreateKeyResponse, _keygate_v1_CreateKeyRequest__Output, _keygate_v1_CreateKeyResponse__Output>
  DisableKey: MethodDefinition<_keygate_v1_DisableKeyRequest, _keygate_v1_ApiKey, _keygate_v1_DisableKeyRequest__Output, _keygate_v1_ApiKey__Output>
  EnableKey: MethodDefinition<_keygate_v1_EnableKeyRequest, _keygate_v1_ApiKey, _keygate_v1_EnableKeyRequest__Output, _keygate_v1_ApiKey__Output>
  GetKey: MethodDefinition<_keygate_v1_GetKeyRequest, _keygate_v1_ApiKey, _keygate_v1_GetKeyRequest__Output, _keygate_v1_ApiKey__Output>
  ImportKeys: MethodDefinition<_keygate_v1_ImportKeysRequest, _keygate_v1_ImportKeysResponse, _keygate_v1_ImportKeysRequest__Output, _keygate_v1_ImportKeysResponse__Output>
  ListEvents: MethodDefinition<_keygate_v1_ListEventsRequest, _keygate_v1_ListEventsResponse, _keygate_v1_ListEventsRequest__Output, _keygate_v1_ListEventsResponse__Output>
  ListKeys: MethodDefinition<_keygate_v1_ListKeysRequest, _keygate_v1_ListKeysResponse, _keygate_v1_ListKeysRequest__Output, _keygate_v1_ListKeysResponse__Output>
  RevokeKey: MethodDefinition<_keygate_v1_RevokeKeyRequest, _keygate_v1_ApiKey, _keygate_v1_RevokeKeyRequest__Output, _keygate_v1_ApiKey__Output>
  RotateKey: MethodDefinition<_keygate_v1_RotateKeyRequest, _keygate_v1_RotateKeyResponse, _keygate_v1_RotateKeyRequest__Output, _keygate_v1_RotateKeyResponse__Output>
  UpdateKey: MethodDefinition<_keygate_v1_UpdateKeyRequest, _keygate_v1_ApiKey, _keygate_v1_UpdateKeyRequest__Output, _keygate_v1_ApiKey__Output>
  WatchEvents: MethodDefinition<_keygate_v1_WatchEventsRequest, _keygate_v1_AuditEvent, _keygate_v1_WatchEventsRequest__Output, _keygate_v1_AuditEvent__Output>
}
