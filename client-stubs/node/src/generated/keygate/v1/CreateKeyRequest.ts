// Original file: keygate/v1/key_admin.proto

import type { KeyKind as _keygate_v1_KeyKind, KeyKind__Output as _keygate_v1_KeyKind__Output } from '../../keygate/v1/KeyKind';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { RateLimit as _keygate_v1_RateLimit, RateLimit__Output as _keygate_v1_RateLimit__Output } from '../../keygate/v1/RateLimit';
import type { Credits as _keygate_v1_Credits, Credits__Output as _keygate_v1_Credits__Output } from '../../keygate/v1/Credits';

export interface CreateKeyRequest {
  'project'?: (string);
  'name'?: (string);
  'description'?: (string);
  'metadata'?: ({[key: string]: string});
  'scopes'?: (string)[];
  'kind'?: (_keygate_v1_KeyKind);
  'expiresAt'?: (_google_protobuf_Timestamp | null);
  'rateLimit'?: (_keygate_v1_RateLimit | null);
  'requestId'?: (string);
  'limits'?: (_keygate_v1_RateLimit)[];
  'allowedCidrs'?: (string)[];
  'credits'?: (_keygate_v1_Credits | null);
}

export interface CreateKeyRequest__Output {
  'project': (string);
  'name': (string);
  'description': (string);
  'metadata': ({[key: string]: string});
  'scopes': (string)[];
  'kind': (_keygate_v1_KeyKind__Output);
  'expiresAt': (_google_protobuf_Timestamp__Output | null);
  'rateLimit': (_keygate_v1_RateLimit__Output | null);
  'requestId': (string);
  'limits': (_keygate_v1_RateLimit__Output)[];
  'allowedCidrs': (string)[];
  'credits': (_keygate_v1_Credits__Output | null);
}
