// Original file: keygate/v1/key_admin.proto

import type { ApiKey as _keygate_v1_ApiKey, ApiKey__Output as _keygate_v1_ApiKey__Output } from '../../keygate/v1/ApiKey';

export interface ListKeysResponse {
  'keys'?: (_keygate_v1_ApiKey)[];
  'nextPageToken'?: (string);
}

export interface ListKeysResponse__Output {
  'keys': (_keygate_v1_ApiKey__Output)[];
  'nextPageToken': (string);
}
