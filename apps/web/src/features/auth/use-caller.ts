import { useQuery } from '@tanstack/react-query';
import { sessionQueryOptions } from './queries';
import type { Caller, Permission } from './schemas';

/** The signed-in caller (shared with the session guard's query: no extra request). */
export function useCaller() {
  return useQuery(sessionQueryOptions());
}

/** Whether this caller may do `permission`. The API enforces it anyway; the console only hides. */
export function can(caller: Caller | null | undefined, permission: Permission): boolean {
  return caller?.permissions.includes(permission) ?? false;
}

/** `useCan('config:write')`: false while the session is loading or signed out. */
export function useCan(permission: Permission): boolean {
  const { data } = useCaller();
  return can(data, permission);
}
