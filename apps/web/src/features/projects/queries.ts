import { infiniteQueryOptions, mutationOptions, queryOptions } from '@tanstack/react-query';
import { auditKeys } from '@/features/audit/queries';
import { keyKeys } from '@/features/keys/queries';
import { projectKeys } from './query-keys';
import { createProject, deleteProject, getProject, listProjects, updateProject } from './api';

/** Every projects query lives under `['projects']`. */

export const PROJECTS_PAGE_SIZE = 25;

export const projectListQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: projectKeys.pagedList(),
    queryFn: ({ pageParam, signal }) =>
      listProjects({ cursor: pageParam, limit: PROJECTS_PAGE_SIZE }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });

export const projectOptionsQueryOptions = () =>
  queryOptions({
    queryKey: projectKeys.options(),
    queryFn: ({ signal }) => listProjects({ limit: 500 }, signal),
    select: (page) => page.data,
    staleTime: 60_000,
  });

export const projectDetailQueryOptions = (id: string) =>
  queryOptions({
    queryKey: projectKeys.detail(id),
    queryFn: ({ signal }) => getProject(id, signal),
  });

export const createProjectMutationOptions = () =>
  mutationOptions({
    mutationKey: [...projectKeys.all, 'create'],
    mutationFn: createProject,
    onSuccess: (project, _variables, _result, { client }) => {
      client.setQueryData(projectKeys.detail(project.id), project);
      return Promise.all([
        client.invalidateQueries({ queryKey: projectKeys.lists() }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]);
    },
  });

export const updateProjectMutationOptions = () =>
  mutationOptions({
    mutationKey: [...projectKeys.all, 'update'],
    mutationFn: updateProject,
    onSuccess: (project, _variables, _result, { client }) => {
      client.setQueryData(projectKeys.detail(project.id), project);
      return Promise.all([
        client.invalidateQueries({ queryKey: projectKeys.lists() }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]);
    },
  });

export const deleteProjectMutationOptions = () =>
  mutationOptions({
    mutationKey: [...projectKeys.all, 'delete'],
    mutationFn: deleteProject,
    onSuccess: (_data, id, _result, { client }) => {
      return Promise.all([
        // Not refetched now (the page is leaving); a later visit finds it gone.
        client.invalidateQueries({ queryKey: projectKeys.detail(id), refetchType: 'none' }),
        client.invalidateQueries({ queryKey: projectKeys.lists() }),
        client.invalidateQueries({ queryKey: keyKeys.lists() }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]);
    },
  });

export { projectKeys };
