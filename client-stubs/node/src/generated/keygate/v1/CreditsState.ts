// Original file: keygate/v1/authorize.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface CreditsState {
  'remaining'?: (number | string | Long);
  'nextRefillAt'?: (_google_protobuf_Timestamp | null);
}

export interface CreditsState__Output {
  'remaining': (string);
  'nextRefillAt': (_google_protobuf_Timestamp__Output | null);
}
