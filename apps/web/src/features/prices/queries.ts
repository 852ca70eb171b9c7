import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { ModelPrice, PutModelPrice } from '@switchboard/contracts';
import { listModelPrices, putModelPrice, removeModelPrice, type ModelPriceListParams } from './api';

export const PRICE_PAGE_SIZE = 50;

export const priceKeys = {
  all: ['prices'] as const,
  lists: () => [...priceKeys.all, 'list'] as const,
  list: (params: ModelPriceListParams) => [...priceKeys.lists(), params] as const,
};

export const priceListQueryOptions = (params: ModelPriceListParams) =>
  queryOptions({
    queryKey: priceKeys.list(params),
    queryFn: ({ signal }) => listModelPrices(params, signal),
    // Typing in the search box or paging keeps the current rows on screen until the next ones arrive.
    placeholderData: keepPreviousData,
  });

export const putPriceMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...priceKeys.all, 'put'],
    mutationFn: ({ model, body }: { model: string; body: PutModelPrice }) => putModelPrice(model, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: priceKeys.lists() }),
  });

export const removePriceMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...priceKeys.all, 'remove'],
    mutationFn: (price: Pick<ModelPrice, 'model'>) => removeModelPrice(price.model),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: priceKeys.lists() }),
  });
