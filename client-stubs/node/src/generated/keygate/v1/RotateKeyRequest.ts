// Original file: keygate/v1/key_admin.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface RotateKeyRequest {
  'id'?: (string);
  'gracePeriod'?: (_google_protobuf_Duration | null);
}

export interface RotateKeyRequest__Output {
  'id': (string);
  'gracePeriod': (_google_protobuf_Duration__Output | null);
}
