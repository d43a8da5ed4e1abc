// Original file: keygate/v1/key_admin.proto

import type { ImportResult as _keygate_v1_ImportResult, ImportResult__Output as _keygate_v1_ImportResult__Output } from '../../keygate/v1/ImportResult';

export interface ImportKeysResponse {
  'results'?: (_keygate_v1_ImportResult)[];
}

export interface ImportKeysResponse__Output {
  'results': (_keygate_v1_ImportResult__Output)[];
}
