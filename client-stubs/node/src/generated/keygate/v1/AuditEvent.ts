// Original file: keygate/v1/key_admin.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

export interface AuditEvent {
  'id'?: (string);
  'time'?: (_google_protobuf_Timestamp | null);
  'action'?: (string);
  'outcome'?: (string);
  'actor'?: (string);
  'keyId'?: (string);
  'project'?: (string);
  'requestId'?: (string);
  'surface'?: (string);
  'droppedBefore'?: (number | string | Long);
}

export interface AuditEvent__Output {
  'id': (string);
  'time': (_google_protobuf_Timestamp__Output | null);
  'action': (string);
  'outcome': (string);
  'actor': (string);
  'keyId': (string);
  'project': (string);
  'requestId': (string);
  'surface': (string);
  'droppedBefore': (string);
}
