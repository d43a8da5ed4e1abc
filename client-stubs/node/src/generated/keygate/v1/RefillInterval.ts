// Original file: keygate/v1/key.proto

export const RefillInterval = {
  REFILL_INTERVAL_UNSPECIFIED: 'REFILL_INTERVAL_UNSPECIFIED',
  REFILL_INTERVAL_DAILY: 'REFILL_INTERVAL_DAILY',
  REFILL_INTERVAL_MONTHLY: 'REFILL_INTERVAL_MONTHLY',
} as const;

export type RefillInterval =
  | 'REFILL_INTERVAL_UNSPECIFIED'
  | 0
  | 'REFILL_INTERVAL_DAILY'
  | 1
  | 'REFILL_INTERVAL_MONTHLY'
  | 2

export type RefillInterval__Output = typeof RefillInterval[keyof typeof RefillInterval]
