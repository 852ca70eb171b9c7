'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClassName, EmptyState } from '@/components/ui';
import { AuditIcon } from '@/components/ui/icons';
import type { Permission } from '../schemas';
import { useCan } from '../use-caller';

/**
 * Renders the page only for callers with `permission`; others (e.g. following an old link) get a
 * plain explanation instead of a failed request. Inside the dashboard the session is already known.
 */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const allowed = useCan(permission);
  if (allowed) return children;
  return (
    <EmptyState
      icon={<AuditIcon size={22} />}
      title="Not available with your role"
      description="Your account’s role does not include this page. Ask an administrator if you need it."
      actions={
        <Link href="/" className={buttonClassName({ variant: 'primary' })}>
          Go to the overview
        </Link>
      }
    />
  );
}
