// Original file: keygate/v1/authorize.proto

import type { KeyKind as _keygate_v1_KeyKind, KeyKind__Output as _keygate_v1_KeyKind__Output } from '../../keygate/v1/KeyKind';
import type { RateLimitState as _keygate_v1_RateLimitState, RateLimitState__Output as _keygate_v1_RateLimitState__Output } from '../../keygate/v1/RateLimitState';
import type { CreditsState as _keygate_v1_CreditsState, CreditsState__Output as _keygate_v1_CreditsState__Output } from '../../keygate/v1/CreditsState';

export interface CheckResponse {
  'keyId'?: (string);
  'project'?: (string);
  'kind'?: (_keygate_v1_KeyKind);
  'grantedScopes'?: (string)[];
  'rateLimit'?: (_keygate_v1_RateLimitState | null);
  'keyName'?: (string);
  'credits'?: (_keygate_v1_CreditsState | null);
}

export interface CheckResponse__Output {
  'keyId': (string);
  'project': (string);
  'kind': (_keygate_v1_KeyKind__Output);
  'grantedScopes': (string)[];
  'rateLimit': (_keygate_v1_RateLimitState__Output | null);
  'keyName': (string);
  'credits': (_keygate_v1_CreditsState__Output | null);
}
