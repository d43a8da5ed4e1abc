// Original file: keygate/v1/key.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface RateLimit {
  'requests'?: (number);
  'period'?: (_google_protobuf_Duration | null);
}

export interface RateLimit__Output {
  'requests': (number);
  'period': (_google_protobuf_Duration__Output | null);
}
