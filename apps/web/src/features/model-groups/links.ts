import type { Route } from 'next';

/** The routing editor of one group. Names may contain `/` and `:`, so they are encoded. */
export function modelGroupHref(name: string): Route {
  return `/model-groups/${encodeURIComponent(name)}` as Route;
}
