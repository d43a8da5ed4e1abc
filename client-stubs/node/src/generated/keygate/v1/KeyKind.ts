// Original file: keygate/v1/key.proto

export const KeyKind = {
  KEY_KIND_UNSPECIFIED: 'KEY_KIND_UNSPECIFIED',
  KEY_KIND_LIVE: 'KEY_KIND_LIVE',
  KEY_KIND_TEST: 'KEY_KIND_TEST',
} as const;

export type KeyKind =
  | 'KEY_KIND_UNSPECIFIED'
  | 0
  | 'KEY_KIND_LIVE'
  | 1
  | 'KEY_KIND_TEST'
  | 2

export type KeyKind__Output = typeof KeyKind[keyof typeof KeyKind]
