// Original file: keygate/v1/key_admin.proto

import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from '../../keygate/v1/ApiKey';

export interface RotateKeyResponse {
  'key'?: (_keygate_v1_ApiKey | null);
  'secret'?: (string);
}

export interface RotateKeyResponse__Output {
  'key': (_keygate_v1_ApiKey__Output | null);
  'secret': (string);
}
