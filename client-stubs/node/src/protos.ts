/** Loads the keygate.v1 and google.rpc protos shipped in ../proto (copies made by generate.sh). */
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import type { ProtoGrpcType as AuthorizeProto } from './generated/authorize';
import type { ProtoGrpcType as KeyAdminProto } from './generated/key_admin';

export const PROTO_DIR = path.join(__dirname, '..', '..', 'proto');

/** Must match the options generate.sh gives proto-loader-gen-types, or the types would lie. */
const loadOptions: protoLoader.Options = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

const definition = protoLoader.loadSync(
  ['keygate/v1/authorize.proto', 'keygate/v1/key_admin.proto'], loadOptions);

/** The generated-type view of keygate.v1: constructors for the Authorize and KeyAdmin clients. */
export const keygateV1 = (grpc.loadPackageDefinition(definition) as unknown as
  AuthorizeProto & KeyAdminProto).keygate.v1;

/** google.rpc.Status and its detail messages, for decoding grpc-status-details-bin. */
export const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
rpcRoot.resolveAll();
