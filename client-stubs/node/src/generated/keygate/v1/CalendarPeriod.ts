// Original file: keygate/v1/key.proto

export const CalendarPeriod = {
  CALENDAR_PERIOD_UNSPECIFIED: 'CALENDAR_PERIOD_UNSPECIFIED',
  CALENDAR_PERIOD_DAY: 'CALENDAR_PERIOD_DAY',
  CALENDAR_PERIOD_MONTH: 'CALENDAR_PERIOD_MONTH',
} as const;

export type CalendarPeriod =
  | 'CALENDAR_PERIOD_UNSPECIFIED'
  | 0
  | 'CALENDAR_PERIOD_DAY'
  | 1
  | 'CALENDAR_PERIOD_MONTH'
  | 2

export type CalendarPeriod__Output = typeof CalendarPeriod[keyof typeof CalendarPeriod]
