// Original file: keygate/v1/key_admin.proto

import type { ImportedKey as _keygate_v1_ImportedKey, ImportedKey__Output as _keygate_v1_ImportedKey__Output } from '../../keygate/v1/ImportedKey';

export interface ImportKeysRequest {
  'keys'?: (_keygate_v1_ImportedKey)[];
}

export interface ImportKeysRequest__Output {
  'keys': (_keygate_v1_ImportedKey__Output)[];
}
