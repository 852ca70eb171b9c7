'use client';

import type { ModelPrice } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field, Input } from '@/components/ui';
import { FormDialog } from '@/components/ui/form-dialog';
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { toast } from '@/components/ui/toast';
import { useFormErrors } from '@/components/ui/use-form-errors';
import { PRICE_LABELS, parsePriceForm } from '../price-form';
import { formatPrice } from '../price-source';
import { priceListQueryOptions, putPriceMutationOptions } from '../queries';
import styles from './prices.module.css';

/** Edit an existing price, or add one for a model (maybe prefilled, e.g. from a search). */
export type PriceFormTarget = { mode: 'edit'; price: ModelPrice } | { mode: 'add'; model: string };

const FORM_ID = 'model-price-form';
const ORDER = ['model', 'inputUsdPerMTokens', 'outputUsdPerMTokens', 'cachedInputUsdPerMTokens'] as const;
const FIELD_IDS: Readonly<Record<(typeof ORDER)[number], string>> = {
  model: 'price-model',
  inputUsdPerMTokens: 'price-input',
  outputUsdPerMTokens: 'price-output',
  cachedInputUsdPerMTokens: 'price-cached-input',
};
/** The API's largest page: enough to find an existing price among the models a search matches. */
const EXISTING_LOOKUP_LIMIT = 500;

/**
 * Sets the input and output price of a model. Give it a new `key` each time it opens so it starts from
 * a clean form.
 */
export function PriceFormDialog({ target, onClose }: { target: PriceFormTarget; onClose: () => void }) {
  const queryClient = useQueryClient();
  const save = useMutation(putPriceMutationOptions(queryClient));
  const editing = target.mode === 'edit' ? target.price : null;
  const [model, setModel] = useState(editing ? editing.model : target.mode === 'add' ? target.model : '');
  const [input, setInput] = useState(editing ? String(editing.inputUsdPerMTokens) : '');
  const [output, setOutput] = useState(editing ? String(editing.outputUsdPerMTokens) : '');
  const [cached, setCached] = useState(
    editing?.cachedInputUsdPerMTokens != null ? String(editing.cachedInputUsdPerMTokens) : '',
  );
  const { errors, showErrors, clearErrors } = useFormErrors(ORDER, (field) => FIELD_IDS[field]);
  const [checking, setChecking] = useState(false);
  const pending = save.isPending || checking;

  /** A model's price already exists (model ids match ignoring case, as the gateway costs them). */
  async function existingPrice(name: string): Promise<ModelPrice | undefined> {
    const page = await queryClient.fetchQuery(
      priceListQueryOptions({ search: name, limit: EXISTING_LOOKUP_LIMIT }),
    );
    return page.data.find((price) => price.model.toLowerCase() === name.toLowerCase());
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const parsed = parsePriceForm({ model, input, cached, output });
    if (!parsed.ok) return showErrors(parsed.errors);
    if (
      editing &&
      parsed.body.inputUsdPerMTokens === editing.inputUsdPerMTokens &&
      parsed.body.cachedInputUsdPerMTokens === editing.cachedInputUsdPerMTokens &&
      parsed.body.outputUsdPerMTokens === editing.outputUsdPerMTokens
    ) {
      onClose();
      return;
    }
    clearErrors();

    if (!editing) {
      setChecking(true);
      try {
        const existing = await existingPrice(parsed.model);
        if (existing) {
          return showErrors({
            fields: { model: `${existing.model} already has a price; edit it in the table instead.` },
            other: [],
          });
        }
      } catch (error) {
        return showErrors(formErrorsFromApi(error, PRICE_LABELS));
      } finally {
        setChecking(false);
      }
    }

    save.mutate(
      { model: parsed.model, body: parsed.body },
      {
        onSuccess: (saved) => {
          toast.success(
            `Price of ${saved.model} saved`,
            `New requests cost ${formatPrice(saved.inputUsdPerMTokens)} input, ${formatPrice(saved.cachedInputUsdPerMTokens ?? saved.inputUsdPerMTokens)} cached input and ${formatPrice(saved.outputUsdPerMTokens)} output per 1M tokens.`,
          );
          onClose();
        },
        onError: (error) => showErrors(formErrorsFromApi(error, PRICE_LABELS)),
      },
    );
  }

  const builtIn = editing?.defaultPrice ?? null;
  return (
    <FormDialog
      open
      onClose={() => {
        if (!pending) onClose();
      }}
      title={editing ? `Edit the price of ${editing.model}` : 'Add a model price'}
      description={
        editing
          ? 'New requests are costed with it at once, on every instance. Requests already logged keep their cost.'
          : 'For a model without a price of its own. New requests to it are costed with it at once.'
      }
      formId={FORM_ID}
      formClassName={styles.form}
      onSubmit={onSubmit}
      pending={pending}
      submitLabel={editing ? 'Save price' : 'Add price'}
      otherErrors={errors.other}
      errorTitle="The price could not be saved"
    >
      {editing ? null : (
        <Field
          id={FIELD_IDS.model}
          label={PRICE_LABELS.model}
          hint="The upstream model id, e.g. mistral-large-2411. Longer ids that start with it (dated versions, provider/ prefixes) use the same price."
          error={errors.fields.model}
        >
          {(control) => (
            <Input
              {...control}
              value={model}
              onChange={(event) => setModel(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              maxLength={256}
              placeholder="mistral-large-2411"
              data-autofocus
              disabled={pending}
            />
          )}
        </Field>
      )}

      <div className={styles.priceFields}>
        <Field
          id={FIELD_IDS.inputUsdPerMTokens}
          label={PRICE_LABELS.inputUsdPerMTokens}
          hint={figureHint('prompt', builtIn?.inputUsdPerMTokens)}
          error={errors.fields.inputUsdPerMTokens}
        >
          {(control) => (
            <PriceInput
              {...control}
              value={input}
              onChange={setInput}
              disabled={pending}
              autoFocus={editing !== null}
            />
          )}
        </Field>
        <Field
          id={FIELD_IDS.outputUsdPerMTokens}
          label={PRICE_LABELS.outputUsdPerMTokens}
          hint={figureHint('completion', builtIn?.outputUsdPerMTokens)}
          error={errors.fields.outputUsdPerMTokens}
        >
          {(control) => <PriceInput {...control} value={output} onChange={setOutput} disabled={pending} />}
        </Field>
        <div className={styles.wideField}>
          <Field
            id={FIELD_IDS.cachedInputUsdPerMTokens}
            label={PRICE_LABELS.cachedInputUsdPerMTokens}
            hint={cachedHint(builtIn)}
            error={errors.fields.cachedInputUsdPerMTokens}
          >
            {(control) => (
              <PriceInput
                {...control}
                value={cached}
                onChange={setCached}
                disabled={pending}
                placeholder="same as input"
              />
            )}
          </Field>
        </div>
      </div>
    </FormDialog>
  );
}

/** `USD per million completion tokens; built-in $10.00.` */
function figureHint(tokens: 'prompt' | 'completion', builtIn: number | undefined): string {
  const per = `USD per million ${tokens} tokens`;
  return builtIn === undefined ? `${per}.` : `${per}; built-in ${formatPrice(builtIn)}.`;
}

/** What a cached price is, that empty means the input price, and the built-in figure if any. */
function cachedHint(builtIn: ModelPrice['defaultPrice']): string {
  const per =
    "USD per million prompt tokens served from the provider's prompt cache. Leave empty to cost them at the input price";
  if (builtIn === null) return `${per}.`;
  const figure = builtIn.cachedInputUsdPerMTokens;
  return `${per}; built-in ${figure === null ? 'the input price' : formatPrice(figure)}.`;
}

interface PriceInputProps {
  id: string;
  'aria-describedby': string | undefined;
  invalid: boolean;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
  autoFocus?: boolean;
  placeholder?: string;
}

function PriceInput({ value, onChange, autoFocus, placeholder = '0.00', ...control }: PriceInputProps) {
  return (
    <Input
      {...control}
      type="text"
      inputMode="decimal"
      autoComplete="off"
      spellCheck={false}
      placeholder={placeholder}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      data-autofocus={autoFocus || undefined}
      endAdornment={<span className={styles.unit}>USD / 1M</span>}
    />
  );
}
