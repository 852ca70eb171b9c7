import { Badge, type BadgeTone } from '@/components/ui';

export function statusTone(status: number): BadgeTone {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429 || (status >= 400 && status < 500)) return 'warn';
  return 'danger';
}

/** An HTTP status as a coloured badge. */
export function StatusBadge({ status }: { status: number }) {
  return (
    <Badge tone={statusTone(status)} dot>
      {status}
    </Badge>
  );
}
