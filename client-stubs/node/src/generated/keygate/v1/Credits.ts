// Original file: keygate/v1/key.proto

import type { CreditRefill as _keygate_v1_CreditRefill, CreditRefill__Output as _keygate_v1_CreditRefill__Output } from '../../keygate/v1/CreditRefill';
import type { Long } from '@grpc/proto-loader';

export interface Credits {
  'remaining'?: (number | string | Long);
  'refill'?: (_keygate_v1_CreditRefill | null);
}

export interface Credits__Output {
  'remaining': (string);
  'refill': (_keygate_v1_CreditRefill__Output | null);
}
