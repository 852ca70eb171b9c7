import {
  modelPricePageSchema,
  modelPriceSchema,
  type ModelPrice,
  type PutModelPrice,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type ModelPricePage = z.infer<typeof modelPricePageSchema>;

export interface ModelPriceListParams {
  /** Only models whose id contains this, ignoring case. */
  search?: string;
  cursor?: string;
  limit: number;
}

// Model ids may contain `/` and `:` (e.g. `openai/gpt-4.1`): always encode them into the path.
const byModel = (model: string) => `/api/prices/${encodeURIComponent(model)}` as const;

export function listModelPrices(params: ModelPriceListParams, signal?: AbortSignal): Promise<ModelPricePage> {
  const query = new URLSearchParams({ limit: String(params.limit) });
  if (params.search) query.set('search', params.search);
  if (params.cursor) query.set('cursor', params.cursor);
  return apiRequest(`/api/prices?${query.toString()}`, { schema: modelPricePageSchema, signal });
}

/** Creates or replaces the price of one model. */
export function putModelPrice(model: string, body: PutModelPrice): Promise<ModelPrice> {
  return apiRequest(byModel(model), { method: 'PUT', body, schema: modelPriceSchema });
}

/** Back to the built-in price where there is one; otherwise the model's price is deleted. */
export function removeModelPrice(model: string): Promise<void> {
  return apiRequest(byModel(model), { method: 'DELETE' });
}
