// Original file: keygate/v1/key.proto

export const LimitScope = {
  LIMIT_SCOPE_UNSPECIFIED: 'LIMIT_SCOPE_UNSPECIFIED',
  LIMIT_SCOPE_LOCAL: 'LIMIT_SCOPE_LOCAL',
  LIMIT_SCOPE_GLOBAL: 'LIMIT_SCOPE_GLOBAL',
} as const;

export type LimitScope =
  | 'LIMIT_SCOPE_UNSPECIFIED'
  | 0
  | 'LIMIT_SCOPE_LOCAL'
  | 1
  | 'LIMIT_SCOPE_GLOBAL'
  | 2

export type LimitScope__Output = typeof LimitScope[keyof typeof LimitScope]
