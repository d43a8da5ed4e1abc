// Original file: keygate/v1/key_admin.proto

import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from '../../keygate/v1/ApiKey';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from '../../google/protobuf/FieldMask';

export interface UpdateKeyRequest {
  'key'?: (_keygate_v1_ApiKey | null);
  'updateMask'?: (_google_protobuf_FieldMask | null);
}

export interface UpdateKeyRequest__Output {
  'key': (_keygate_v1_ApiKey__Output | null);
  'updateMask': (_google_protobuf_FieldMask__Output | null);
}
