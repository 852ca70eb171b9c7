import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type {
  AlertRuleKind,
  CreateAlertChannel,
  CreateAlertRule,
  UpdateAlertChannel,
  UpdateAlertRule,
} from '@switchboard/contracts';
import {
  createAlertChannel,
  createAlertRule,
  deleteAlertChannel,
  deleteAlertRule,
  listAlertChannels,
  listAlertEvents,
  listAlertRules,
  listDeploymentTargets,
  listGroupTargets,
  listKeyTargets,
  testAlertChannel,
  updateAlertChannel,
  updateAlertRule,
  type AlertEventListParams,
} from './api';

export const ALERT_EVENT_PAGE_SIZE = 25;
/** Rules (what fires now) and the history follow the evaluator without a reload. */
const REFRESH_MS = 5_000;

export const alertKeys = {
  all: ['alerts'] as const,
  channels: () => [...alertKeys.all, 'channels'] as const,
  rules: () => [...alertKeys.all, 'rules'] as const,
  events: () => [...alertKeys.all, 'events'] as const,
  eventList: (params: AlertEventListParams) => [...alertKeys.events(), params] as const,
  targets: (kind: AlertRuleKind) => [...alertKeys.all, 'targets', kind] as const,
};

export const alertChannelsQueryOptions = () =>
  queryOptions({ queryKey: alertKeys.channels(), queryFn: ({ signal }) => listAlertChannels(signal) });

export const alertRulesQueryOptions = () =>
  queryOptions({
    queryKey: alertKeys.rules(),
    queryFn: ({ signal }) => listAlertRules(signal),
    refetchInterval: REFRESH_MS,
  });

export const alertEventsQueryOptions = (params: AlertEventListParams) =>
  queryOptions({
    queryKey: alertKeys.eventList(params),
    queryFn: ({ signal }) => listAlertEvents(params, signal),
    placeholderData: keepPreviousData,
    // Only the first page moves; later pages stay where the operator paged to.
    refetchInterval: params.cursor ? false : REFRESH_MS,
  });

/** The deployments, model groups or keys (with a budget) a rule of `kind` can watch. */
export const alertTargetsQueryOptions = (kind: AlertRuleKind) =>
  queryOptions({
    queryKey: alertKeys.targets(kind),
    queryFn: ({ signal }) => {
      if (kind === 'group.error_rate') return listGroupTargets(signal);
      if (kind === 'key.budget' || kind === 'project.budget') return listKeyTargets(signal);
      return listDeploymentTargets(signal);
    },
    staleTime: 30_000,
  });

const invalidateAll = (queryClient: QueryClient) =>
  queryClient.invalidateQueries({ queryKey: alertKeys.all });

export const saveChannelMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...alertKeys.channels(), 'save'],
    mutationFn: ({ id, body }: { id: string | null; body: CreateAlertChannel | UpdateAlertChannel }) =>
      id === null ? createAlertChannel(body as CreateAlertChannel) : updateAlertChannel(id, body),
    onSuccess: () => invalidateAll(queryClient),
  });

export const deleteChannelMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...alertKeys.channels(), 'delete'],
    mutationFn: (id: string) => deleteAlertChannel(id),
    onSuccess: () => invalidateAll(queryClient),
  });

export const testChannelMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...alertKeys.channels(), 'test'],
    mutationFn: (id: string) => testAlertChannel(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertKeys.events() }),
  });

export const saveRuleMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...alertKeys.rules(), 'save'],
    mutationFn: ({ id, body }: { id: string | null; body: CreateAlertRule | UpdateAlertRule }) =>
      id === null ? createAlertRule(body as CreateAlertRule) : updateAlertRule(id, body),
    onSuccess: () => invalidateAll(queryClient),
  });

export const deleteRuleMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...alertKeys.rules(), 'delete'],
    mutationFn: (id: string) => deleteAlertRule(id),
    onSuccess: () => invalidateAll(queryClient),
  });
