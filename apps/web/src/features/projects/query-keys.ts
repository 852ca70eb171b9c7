// The projects' query keys, apart from queries.ts: the keys feature invalidates them without importing
// (and so without depending on) the projects' queries, which themselves invalidate the keys'.
export const projectKeys = {
  all: ['projects'] as const,
  lists: () => [...projectKeys.all, 'list'] as const,
  /** The paged list (infinite) used by the projects page. */
  pagedList: () => [...projectKeys.lists(), 'paged'] as const,
  /** Every project at once (up to 500), for filter dropdowns and id → name lookups. */
  options: () => [...projectKeys.lists(), 'options'] as const,
  details: () => [...projectKeys.all, 'detail'] as const,
  detail: (id: string) => [...projectKeys.details(), id] as const,
};
