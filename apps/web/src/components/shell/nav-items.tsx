import type { Permission } from '@switchboard/contracts';
import type { Route } from 'next';
import type { ReactNode } from 'react';
import {
  AuditIcon,
  BellIcon,
  DeploymentsIcon,
  ImportIcon,
  KeyIcon,
  LogsIcon,
  ModelGroupsIcon,
  OverviewIcon,
  PlaygroundIcon,
  PriceIcon,
  UsersIcon,
} from '@/components/ui/icons';

export interface NavItem {
  href: Route;
  label: string;
  icon: ReactNode;
  /** Shown only to callers with this permission (the API refuses the page's data anyway). */
  permission?: Permission;
}

// Order follows an operator's setup path: connect upstreams, group them, hand out keys, then watch.
export const navItems: NavItem[] = [
  { href: '/', label: 'Overview', icon: <OverviewIcon /> },
  { href: '/deployments', label: 'Deployments', icon: <DeploymentsIcon />, permission: 'config:read' },
  { href: '/model-groups', label: 'Model groups', icon: <ModelGroupsIcon />, permission: 'config:read' },
  { href: '/prices', label: 'Model prices', icon: <PriceIcon />, permission: 'config:read' },
  { href: '/projects', label: 'Projects & keys', icon: <KeyIcon />, permission: 'projects:read' },
  { href: '/logs', label: 'Logs', icon: <LogsIcon />, permission: 'usage:read' },
  { href: '/playground', label: 'Playground', icon: <PlaygroundIcon />, permission: 'config:write' },
  { href: '/alerts', label: 'Alerts', icon: <BellIcon />, permission: 'config:read' },
  { href: '/import', label: 'Import', icon: <ImportIcon />, permission: 'import:write' },
  { href: '/audit', label: 'Audit', icon: <AuditIcon />, permission: 'audit:read' },
  { href: '/accounts', label: 'Accounts', icon: <UsersIcon />, permission: 'accounts:read' },
];

/** Where the top bar says the operator is, for pages outside the main navigation. */
const otherLocations: NavItem[] = [{ href: '/account', label: 'My account', icon: <UsersIcon /> }];

export function isActivePath(href: string, pathname: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}

export function activeNavItem(pathname: string): NavItem | undefined {
  return [...navItems, ...otherLocations].find((item) => isActivePath(item.href, pathname));
}
