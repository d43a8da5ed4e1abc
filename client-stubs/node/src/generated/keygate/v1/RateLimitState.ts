// Original file: keygate/v1/authorize.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

export interface RateLimitState {
  'limit'?: (number);
  'remaining'?: (number);
  'resetAt'?: (_google_protobuf_Timestamp | null);
}

export interface RateLimitState__Output {
  'limit': (number);
  'remaining': (number);
  'resetAt': (_google_protobuf_Timestamp__Output | null);
}
