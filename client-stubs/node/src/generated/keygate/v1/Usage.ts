// Original file: keygate/v1/key.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface Usage {
  'total'?: (number | string | Long);
  'today'?: (number | string | Long);
  'lastUsedAt'?: (_google_protobuf_Timestamp | null);
}

export interface Usage__Output {
  'total': (string);
  'today': (string);
  'lastUsedAt': (_google_protobuf_Timestamp__Output | null);
}
