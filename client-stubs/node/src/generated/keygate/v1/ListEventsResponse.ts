// Original file: keygate/v1/key_admin.proto

import type { AuditEvent as _keygate_v1_AuditEvent, AuditEvent__Output as _keygate_v1_AuditEvent__Output } from '../../keygate/v1/AuditEvent';

export interface ListEventsResponse {
  'events'?: (_keygate_v1_AuditEvent)[];
  'nextPageToken'?: (string);
}

export interface ListEventsResponse__Output {
  'events': (_keygate_v1_AuditEvent__Output)[];
  'nextPageToken': (string);
}
