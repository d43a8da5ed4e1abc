// Original file: keygate/v1/key.proto

import type { RefillInterval as _keygate_v1_RefillInterval, RefillInterval__Output as _keygate_v1_RefillInterval__Output } from '../../keygate/v1/RefillInterval';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface CreditRefill {
  'amount'?: (number | string | Long);
  'interval'?: (_keygate_v1_RefillInterval);
  'anchorDay'?: (number);
  'nextRefillAt'?: (_google_protobuf_Timestamp | null);
}

export interface CreditRefill__Output {
  'amount': (string);
  'interval': (_keygate_v1_RefillInterval__Output);
  'anchorDay': (number);
  'nextRefillAt': (_google_protobuf_Timestamp__Output | null);
}
