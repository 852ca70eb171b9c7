import type { Route } from 'next';
import type { ReactNode } from 'react';
import {
  AuditIcon,
  DeploymentsIcon,
  ImportIcon,
  KeyIcon,
  LogsIcon,
  ModelGroupsIcon,
  OverviewIcon,
} from '@/components/ui/icons';

export interface NavItem {
  href: Route;
  label: string;
  icon: ReactNode;
}

// Order follows an operator's setup path: connect upstreams, group them, hand out keys, then watch.
export const navItems: NavItem[] = [
  { href: '/', label: 'Overview', icon: <OverviewIcon /> },
  { href: '/deployments', label: 'Deployments', icon: <DeploymentsIcon /> },
  { href: '/model-groups', label: 'Model groups', icon: <ModelGroupsIcon /> },
  { href: '/projects', label: 'Projects & keys', icon: <KeyIcon /> },
  { href: '/logs', label: 'Logs', icon: <LogsIcon /> },
  { href: '/import', label: 'Import', icon: <ImportIcon /> },
  { href: '/audit', label: 'Audit', icon: <AuditIcon /> },
];

export function isActivePath(href: string, pathname: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function activeNavItem(pathname: string): NavItem | undefined {
  return navItems.find((item) => isActivePath(item.href, pathname));
}
