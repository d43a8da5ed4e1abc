// Original file: keygate/v1/key_admin.proto

import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from '../../keygate/v1/ApiKey';

export interface CreateKeyResponse {
  'key'?: (_keygate_v1_ApiKey | null);
  'secret'?: (string);
}

export interface CreateKeyResponse__Output {
  'key': (_keygate_v1_ApiKey__Output | null);
  'secret': (string);
}
