// Original file: keygate/v1/key_admin.proto

import type { ImportFieldViolation as _keygate_v1_ImportFieldViolation, ImportFieldViolation__Output as _keygate_v1_ImportFieldViolation__Output } from '../../keygate/v1/ImportFieldViolation';
import type { Long } from '@grpc/proto-loader';

// Original file: keygate/v1/key_admin.proto

export const _keygate_v1_ImportResult_Outcome = {
  OUTCOME_UNSPECIFIED: 'OUTCOME_UNSPECIFIED',
  IMPORTED: 'IMPORTED',
  ALREADY_IMPORTED: 'ALREADY_IMPORTED',
  REJECTED: 'REJECTED',
} as const;

export type _keygate_v1_ImportResult_Outcome =
  | 'OUTCOME_UNSPECIFIED'
  | 0
  | 'IMPORTED'
  | 1
  | 'ALREADY_IMPORTED'
  | 2
  | 'REJECTED'
  | 3

export type _keygate_v1_ImportResult_Outcome__Output = typeof _keygate_v1_ImportResult_Outcome[keyof typeof _keygate_v1_ImportResult_Outcome]

export interface ImportResult {
  'line'?: (number | string | Long);
  'externalId'?: (string);
  'outcome'?: (_keygate_v1_ImportResult_Outcome);
  'keyId'?: (string);
  'reason'?: (string);
  'message'?: (string);
  'fieldViolations'?: (_keygate_v1_ImportFieldViolation)[];
}

export interface ImportResult__Output {
  'line': (string);
  'externalId': (string);
  'outcome': (_keygate_v1_ImportResult_Outcome__Output);
  'keyId': (string);
  'reason': (string);
  'message': (string);
  'fieldViolations': (_keygate_v1_ImportFieldViolation__Output)[];
}
