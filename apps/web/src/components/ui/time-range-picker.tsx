'use client';

import { SegmentedControl } from './segmented-control';
import { TIME_RANGE_OPTIONS, type TimeRange } from './time-range';

/** 15 min / 1 h / 24 h / 7 d / 30 d, as a radio group named "Time range". */
export function TimeRangePicker({
  value,
  onChange,
  label = 'Time range',
}: {
  value: TimeRange;
  onChange: (value: TimeRange) => void;
  label?: string;
}) {
  return <SegmentedControl label={label} options={TIME_RANGE_OPTIONS} value={value} onChange={onChange} />;
}
