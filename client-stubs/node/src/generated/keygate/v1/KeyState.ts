// Original file: keygate/v1/key.proto

export const KeyState = {
  KEY_STATE_UNSPECIFIED: 'KEY_STATE_UNSPECIFIED',
  KEY_STATE_ACTIVE: 'KEY_STATE_ACTIVE',
  KEY_STATE_EXPIRED: 'KEY_STATE_EXPIRED',
  KEY_STATE_REVOKED: 'KEY_STATE_REVOKED',
  KEY_STATE_DISABLED: 'KEY_STATE_DISABLED',
} as const;

export type KeyState =
  | 'KEY_STATE_UNSPECIFIED'
  | 0
  | 'KEY_STATE_ACTIVE'
  | 1
  | 'KEY_STATE_EXPIRED'
  | 2
  | 'KEY_STATE_REVOKED'
  | 3
  | 'KEY_STATE_DISABLED'
  | 4

export type KeyState__Output = typeof KeyState[keyof typeof KeyState]
