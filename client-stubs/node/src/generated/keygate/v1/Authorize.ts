// Original file: keygate/v1/authorize.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CheckRequest as _keygate_v1_CheckRequest, CheckRequest__Output as _keygate_v1_CheckRequest__Output } from '../../keygate/v1/CheckRequest';
import type { CheckResponse as _keygate_v1_CheckResponse, CheckResponse__Output as _keygate_v1_CheckResponse__Output } from '../../keygate/v1/CheckResponse';

export interface AuthorizeClient extends grpc.Client {
  Check(argument: _keygate_v1_CheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  Check(argument: _keygate_v1_CheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  Check(argument: _keygate_v1_CheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  Check(argument: _keygate_v1_CheckRequest, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _keygate_v1_CheckRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _keygate_v1_CheckRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _keygate_v1_CheckRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  check(argument: _keygate_v1_CheckRequest, callback: grpc.requestCallback<_keygate_v1_CheckResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AuthorizeHandlers extends grpc.UntypedServiceImplementation {
  Check: grpc.handleUnaryCall<_keygate_v1_CheckRequest__Output, _keygate_v1_CheckResponse>;
  
}

export interface AuthorizeDefinition extends grpc.ServiceDefinition {
  Check: MethodDefinition<_keygate_v1_CheckRequest, _keygate_v1_CheckResponse, _keygate_v1_CheckRequest__Output, _keygate_v1_CheckResponse__Output>
}
