import { putModelPriceSchema, type PutModelPrice } from '@switchboard/contracts';
import { formErrorsFromZod, parseOptionalNumber, type FormErrors } from '@/components/ui/form-errors';

export const PRICE_LABELS = {
  model: 'Model',
  inputUsdPerMTokens: 'Input price',
  cachedInputUsdPerMTokens: 'Cached input price',
  outputUsdPerMTokens: 'Output price',
} as const;

/** The API's limit on a model id (after trimming). */
const MAX_MODEL_LENGTH = 256;

/** What the price form holds: the text as typed. */
export interface PriceFormValues {
  model: string;
  input: string;
  /** Empty: cached prompt tokens cost the input price. */
  cached: string;
  output: string;
}

export type PriceFormResult =
  { ok: true; model: string; body: PutModelPrice } | { ok: false; errors: FormErrors };

/**
 * The form's text as a model id and a `PUT /api/prices/:model` body, checked with the API's own schema;
 * an empty input or output price is "required" rather than "not a number", an empty cached input price
 * means "the input price" (null).
 */
export function parsePriceForm(values: PriceFormValues): PriceFormResult {
  const fields: FormErrors['fields'] = {};
  const model = values.model.trim();
  if (model === '') fields.model = `${PRICE_LABELS.model} is required.`;
  else if (model.length > MAX_MODEL_LENGTH) {
    fields.model = `${PRICE_LABELS.model} can be at most ${MAX_MODEL_LENGTH} characters.`;
  }

  const input = parseOptionalNumber(values.input);
  const output = parseOptionalNumber(values.output);
  const cached = parseOptionalNumber(values.cached);
  const parsed = putModelPriceSchema.safeParse({
    inputUsdPerMTokens: input,
    cachedInputUsdPerMTokens: cached,
    outputUsdPerMTokens: output,
  });
  if (!parsed.success) Object.assign(fields, formErrorsFromZod(parsed.error, PRICE_LABELS).fields);
  if (input === null) fields.inputUsdPerMTokens = `${PRICE_LABELS.inputUsdPerMTokens} is required.`;
  if (output === null) fields.outputUsdPerMTokens = `${PRICE_LABELS.outputUsdPerMTokens} is required.`;

  if (!parsed.success || Object.keys(fields).length > 0) return { ok: false, errors: { fields, other: [] } };
  return { ok: true, model, body: parsed.data };
}
