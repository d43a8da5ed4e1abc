// Original file: keygate/v1/key_admin.proto

import type { CreateKeyRequest as _keygate_v1_CreateKeyRequest, CreateKeyRequest__Output as _keygate_v1_CreateKeyRequest__Output } from '../../keygate/v1/CreateKeyRequest';
import type { Long } from '@grpc/proto-loader';

export interface ImportedKey {
  'line'?: (number | string | Long);
  'externalId'?: (string);
  'key'?: (_keygate_v1_CreateKeyRequest | null);
  'plainSecret'?: (string);
  'legacySha256'?: (string);
  'legacyPrefix'?: (string);
  'secret'?: "plainSecret"|"legacySha256";
}

export interface ImportedKey__Output {
  'line': (string);
  'externalId': (string);
  'key': (_keygate_v1_CreateKeyRequest__Output | null);
  'plainSecret'?: (string);
  'legacySha256'?: (string);
  'legacyPrefix': (string);
  'secret'?: "plainSecret"|"legacySha256";
}
