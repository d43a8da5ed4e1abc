// Original file: keygate/v1/authorize.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { LimitScope as _keygate_v1_LimitScope, LimitScope__Output as _keygate_v1_LimitScope__Output } from '../../keygate/v1/LimitScope';
import type { CalendarPeriod as _keygate_v1_CalendarPeriod, CalendarPeriod__Output as _keygate_v1_CalendarPeriod__Output } from '../../keygate/v1/CalendarPeriod';

export interface RateLimitState {
  'limit'?: (number);
  'remaining'?: (number);
  'resetAt'?: (_google_protobuf_Timestamp | null);
  'period'?: (_google_protobuf_Duration | null);
  'scope'?: (_keygate_v1_LimitScope);
  'subject'?: (string);
  'calendar'?: (_keygate_v1_CalendarPeriod);
}

export interface RateLimitState__Output {
  'limit': (number);
  'remaining': (number);
  'resetAt': (_google_protobuf_Timestamp__Output | null);
  'period': (_google_protobuf_Duration__Output | null);
  'scope': (_keygate_v1_LimitScope__Output);
  'subject': (string);
  'calendar': (_keygate_v1_CalendarPeriod__Output);
}
