// Original file: keygate/v1/key.proto

import type { KeyKind as _keygate_v1_KeyKind, KeyKind__Output as _keygate_v1_KeyKind__Output } from '../../keygate/v1/KeyKind';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { RateLimit as _keygate_v1_RateLimit, RateLimit__Output as _keygate_v1_RateLimit__Output } from '../../keygate/v1/RateLimit';
import type { Usage as _keygate_v1_Usage, Usage__Output as _keygate_v1_Usage__Output } from '../../keygate/v1/Usage';
import type { KeyState as _keygate_v1_KeyState, KeyState__Output as _keygate_v1_KeyState__Output } from '../../keygate/v1/KeyState';
import type { Credits as _keygate_v1_Credits, Credits__Output as _keygate_v1_Credits__Output } from '../../keygate/v1/Credits';

export interface ApiKey {
  'id'?: (string);
  'project'?: (string);
  'name'?: (string);
  'description'?: (string);
  'metadata'?: ({[key: string]: string});
  'scopes'?: (string)[];
  'kind'?: (_keygate_v1_KeyKind);
  'prefix'?: (string);
  'createdAt'?: (_google_protobuf_Timestamp | null);
  'expiresAt'?: (_google_protobuf_Timestamp | null);
  'revokedAt'?: (_google_protobuf_Timestamp | null);
  'revokeReason'?: (string);
  'rotatedAt'?: (_google_protobuf_Timestamp | null);
  'previousSecretExpiresAt'?: (_google_protobuf_Timestamp | null);
  'rateLimit'?: (_keygate_v1_RateLimit | null);
  'usage'?: (_keygate_v1_Usage | null);
  'state'?: (_keygate_v1_KeyState);
  'updatedAt'?: (_google_protobuf_Timestamp | null);
  'limits'?: (_keygate_v1_RateLimit)[];
  'disabledAt'?: (_google_protobuf_Timestamp | null);
  'disableReason'?: (string);
  'allowedCidrs'?: (string)[];
  'credits'?: (_keygate_v1_Credits | null);
}

export interface ApiKey__Output {
  'id': (string);
  'project': (string);
  'name': (string);
  'description': (string);
  'metadata': ({[key: string]: string});
  'scopes': (string)[];
  'kind': (_keygate_v1_KeyKind__Output);
  'prefix': (string);
  'createdAt': (_google_protobuf_Timestamp__Output | null);
  'expiresAt': (_google_protobuf_Timestamp__Output | null);
  'revokedAt': (_google_protobuf_Timestamp__Output | null);
  'revokeReason': (string);
  'rotatedAt': (_google_protobuf_Timestamp__Output | null);
  'previousSecretExpiresAt': (_google_protobuf_Timestamp__Output | null);
  'rateLimit': (_keygate_v1_RateLimit__Output | null);
  'usage': (_keygate_v1_Usage__Output | null);
  'state': (_keygate_v1_KeyState__Output);
  'updatedAt': (_google_protobuf_Timestamp__Output | null);
  'limits': (_keygate_v1_RateLimit__Output)[];
  'disabledAt': (_google_protobuf_Timestamp__Output | null);
  'disableReason': (string);
  'allowedCidrs': (string)[];
  'credits': (_keygate_v1_Credits__Output | null);
}
