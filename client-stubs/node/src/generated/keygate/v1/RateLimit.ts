// Original file: keygate/v1/key.proto

import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { LimitScope as _keygate_v1_LimitScope, LimitScope__Output as _keygate_v1_LimitScope__Output } from '../../keygate/v1/LimitScope';
import type { CalendarPeriod as _keygate_v1_CalendarPeriod, CalendarPeriod__Output as _keygate_v1_CalendarPeriod__Output } from '../../keygate/v1/CalendarPeriod';

export interface RateLimit {
  'requests'?: (number);
  'period'?: (_google_protobuf_Duration | null);
  'scope'?: (_keygate_v1_LimitScope);
  'calendar'?: (_keygate_v1_CalendarPeriod);
}

export interface RateLimit__Output {
  'requests': (number);
  'period': (_google_protobuf_Duration__Output | null);
  'scope': (_keygate_v1_LimitScope__Output);
  'calendar': (_keygate_v1_CalendarPeriod__Output);
}
