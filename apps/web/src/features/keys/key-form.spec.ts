import { zodResolver } from '@hookform/resolvers/zod';
import type { VirtualKey } from '@switchboard/contracts';
import type { FieldErrors } from 'react-hook-form';
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { ApiError } from '@/lib/api-client';
import {
  buildCreateKeyBody,
  buildKeyPatch,
  KEY_FIELD_LABELS,
  keyFormErrors,
  keyFormSchema,
  type KeyFormValues,
  keyFormValues,
  type KeyRequest,
  localToday,
  toggleModel,
} from './key-form';

const PROJECT_ID = '0b9f7c36-58a5-4b53-9d43-4c5bb1d7f2a1';
const issueSchema = keyFormSchema({ projectId: PROJECT_ID });

/** `YYYY-MM-DD`, `days` from today in the local time zone (as the date input speaks it). */
function dayFromToday(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
const endOfDay = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

/** What react-hook-form gets from the resolver: the request, or one message per input. */
async function resolve(
  values: KeyFormValues,
  schema = issueSchema,
): Promise<{ values: KeyRequest | Record<string, never>; errors: Record<string, string | undefined> }> {
  const result = await zodResolver(schema)(values, undefined, {
    fields: {},
    shouldUseNativeValidation: false,
  });
  const errors = result.errors as FieldErrors<KeyFormValues>;
  return {
    values: result.values as KeyRequest | Record<string, never>,
    errors: Object.fromEntries(Object.entries(errors).map(([name, error]) => [name, error?.message])),
  };
}

const typed = (): KeyFormValues => ({
  ...keyFormValues(),
  alias: '  dify-prod ',
  allModels: false,
  models: ['gpt-4.1', 'claude-sonnet'],
  rpmLimit: '1,000',
  tpmLimit: '',
  maxParallel: '4',
  endUserRpmLimit: '10',
  endUserDailyBudgetUsd: '2.5',
  maxBudgetUsd: '100',
  budgetPeriod: 'weekly',
  expiresOn: dayFromToday(30),
  metadata: '{"team": "search"}',
});

const storedKey = (over: Partial<VirtualKey> = {}): VirtualKey => ({
  id: 'key-1',
  projectId: PROJECT_ID,
  alias: 'dify-prod',
  prefix: 'sk-sb-AbCd…wxyz',
  models: ['gpt-4.1', 'claude-sonnet'],
  rpmLimit: 60,
  tpmLimit: null,
  maxParallel: null,
  endUserRpmLimit: 5,
  endUserDailyBudgetUsd: null,
  maxBudgetUsd: 50,
  budgetPeriod: 'monthly',
  budgetResetAt: null,
  periodSpendUsd: 0,
  spendUsd: 0,
  // Set through the API at 14:00: the form shows its day.
  expiresAt: new Date(`${dayFromToday(10)}T14:00:00`).toISOString(),
  metadata: { team: 'search' },
  lastUsedAt: null,
  revokedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('key form schema: issuing a key', () => {
  it('turns a valid form into the body the API takes, the same as buildCreateKeyBody', async () => {
    const values = typed();
    const { values: request, errors } = await resolve(values);
    expect(errors).toEqual({});
    expect(request).toEqual({
      kind: 'create',
      body: {
        projectId: PROJECT_ID,
        alias: 'dify-prod',
        models: ['claude-sonnet', 'gpt-4.1'],
        rpmLimit: 1000,
        tpmLimit: null,
        maxParallel: 4,
        endUserRpmLimit: 10,
        endUserDailyBudgetUsd: 2.5,
        maxBudgetUsd: 100,
        budgetPeriod: 'weekly',
        expiresAt: endOfDay(values.expiresOn),
        metadata: { team: 'search' },
      },
    });
    const built = buildCreateKeyBody(PROJECT_ID, values);
    expect(built.ok && { kind: 'create', body: built.body }).toEqual(request);
  });

  it('an untouched form issues an unlimited key for all model groups, without a budget period', async () => {
    const { values: request } = await resolve(keyFormValues());
    expect(request).toEqual({
      kind: 'create',
      body: {
        projectId: PROJECT_ID,
        alias: null,
        models: [],
        rpmLimit: null,
        tpmLimit: null,
        maxParallel: null,
        endUserRpmLimit: null,
        endUserDailyBudgetUsd: null,
        maxBudgetUsd: null,
        budgetPeriod: null,
        expiresAt: null,
        metadata: {},
      },
    });
  });

  it.each<[keyof KeyFormValues, Partial<KeyFormValues>, string]>([
    ['maxBudgetUsd', { maxBudgetUsd: '-5' }, 'Must be greater than 0.'],
    ['maxBudgetUsd', { maxBudgetUsd: 'lots' }, 'Enter a number.'],
    ['rpmLimit', { rpmLimit: '1.5' }, 'Enter a whole number.'],
    ['rpmLimit', { rpmLimit: '0' }, 'Must be greater than 0.'],
    ['tpmLimit', { tpmLimit: 'ten' }, 'Enter a number.'],
    ['maxParallel', { maxParallel: '2.5' }, 'Enter a whole number.'],
    ['endUserRpmLimit', { endUserRpmLimit: '0' }, 'Must be greater than 0.'],
    ['endUserDailyBudgetUsd', { endUserDailyBudgetUsd: '-1' }, 'Must be greater than 0.'],
    ['alias', { alias: 'a'.repeat(129) }, 'Alias can be at most 128 characters.'],
    ['models', { allModels: false, models: [] }, 'Pick at least one model group, or allow all.'],
    ['expiresOn', { expiresOn: dayFromToday(-1) }, 'Pick today or a later date.'],
    [
      'metadata',
      { metadata: '{"team": [1' },
      'Enter a JSON object, e.g. {"team": "search"}, or leave it empty.',
    ],
    ['metadata', { metadata: '[1, 2]' }, 'Enter a JSON object, e.g. {"team": "search"}, or leave it empty.'],
  ])('%s %j: the message is on that input and nothing is sent', async (field, change, message) => {
    const { values: request, errors } = await resolve({ ...typed(), ...change });
    expect(errors).toEqual({ [field]: message });
    expect(request).toEqual({});
  });

  it('names every invalid input at once, each with its own message', async () => {
    const { errors } = await resolve({ ...typed(), rpmLimit: '1.5', maxBudgetUsd: '-1', metadata: 'x' });
    expect(errors).toEqual({
      rpmLimit: 'Enter a whole number.',
      maxBudgetUsd: 'Must be greater than 0.',
      metadata: 'Enter a JSON object, e.g. {"team": "search"}, or leave it empty.',
    });
  });

  it('accepts today as the expiry day', async () => {
    // At midday: run across midnight, the test's "today" would be the form's yesterday.
    jest.useFakeTimers({ now: new Date(2026, 11, 5, 12), doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      const { errors } = await resolve({ ...typed(), expiresOn: localToday() });
      expect(errors).toEqual({});
    } finally {
      jest.useRealTimers();
    }
  });

  it('puts what belongs to no input on root', async () => {
    const { errors } = await resolve(typed(), keyFormSchema({ projectId: 'not-a-project' }));
    expect(errors).toEqual({ root: expect.stringMatching(/^ProjectId: must be a project id/) });
  });
});

describe('key form schema: editing a key', () => {
  it('sends an empty patch when nothing changed (an expiry set at 14:00 stays where it is)', async () => {
    const initial = keyFormValues(storedKey());
    const { values: request, errors } = await resolve(initial, keyFormSchema({ initial }));
    expect(errors).toEqual({});
    expect(request).toEqual({ kind: 'edit', patch: {} });
  });

  it('an expired key with its past expiry untouched can still be saved', async () => {
    const initial = keyFormValues(
      storedKey({ expiresAt: new Date(`${dayFromToday(-3)}T12:00:00`).toISOString() }),
    );
    const { values: request } = await resolve({ ...initial, alias: 'renamed' }, keyFormSchema({ initial }));
    expect(request).toEqual({ kind: 'edit', patch: { alias: 'renamed' } });
  });

  it('sends only what changed, the same as buildKeyPatch', async () => {
    const initial = keyFormValues(storedKey());
    const values = { ...initial, rpmLimit: '120', models: ['gpt-4.1'], metadata: '{"team": "ads"}' };
    const { values: request } = await resolve(values, keyFormSchema({ initial }));
    expect(request).toEqual({
      kind: 'edit',
      patch: { rpmLimit: 120, models: ['gpt-4.1'], metadata: { team: 'ads' } },
    });
    const built = buildKeyPatch(values, initial);
    expect(built.ok && { kind: 'edit', patch: built.body }).toEqual(request);
  });

  it('clearing a limit sends null; clearing the budget clears its period too', async () => {
    const initial = keyFormValues(storedKey());
    const { values: request } = await resolve(
      { ...initial, rpmLimit: '', endUserRpmLimit: ' ', maxBudgetUsd: '', expiresOn: '' },
      keyFormSchema({ initial }),
    );
    expect(request).toEqual({
      kind: 'edit',
      patch: {
        rpmLimit: null,
        endUserRpmLimit: null,
        maxBudgetUsd: null,
        budgetPeriod: null,
        expiresAt: null,
      },
    });
  });

  it('allowing all model groups sends an empty list', async () => {
    const initial = keyFormValues(storedKey());
    const { values: request } = await resolve({ ...initial, allModels: true }, keyFormSchema({ initial }));
    expect(request).toEqual({ kind: 'edit', patch: { models: [] } });
  });
});

describe('key form values', () => {
  it('opens with the models sorted; ticking keeps them sorted, so ticking back leaves the form as it was', () => {
    const initial = keyFormValues(storedKey());
    expect(initial.models).toEqual(['claude-sonnet', 'gpt-4.1']);
    const unticked = toggleModel(initial.models, 'claude-sonnet', false);
    expect(unticked).toEqual(['gpt-4.1']);
    expect(toggleModel(unticked, 'claude-sonnet', true)).toEqual(initial.models);
    expect(toggleModel(unticked, 'gpt-4.1', true)).toEqual(['gpt-4.1']);
  });
});

describe('keyFormErrors', () => {
  it("puts the API's field errors on the form's inputs, in the form's order, and the rest together", () => {
    const refusal = new ApiError(400, 'validation_failed', 'Invalid request', [
      { path: ['metadata'], message: 'must be an object' },
      { path: ['expiresAt'], message: 'must be in the future' },
      { path: ['rpmLimit'], message: 'is required' },
      { path: ['bogus'], message: 'is not allowed' },
    ]);
    expect(keyFormErrors(formErrorsFromApi(refusal, KEY_FIELD_LABELS))).toEqual({
      fields: [
        ['rpmLimit', 'Requests per minute is required.'],
        ['expiresOn', 'Must be in the future.'],
        ['metadata', 'Must be an object.'],
      ],
      other: 'Bogus: is not allowed.',
    });
  });

  it('a refusal without field details is one message for above the form', () => {
    const refusal = new ApiError(409, 'key_revoked', 'The key is revoked.');
    expect(keyFormErrors(formErrorsFromApi(refusal, KEY_FIELD_LABELS))).toEqual({
      fields: [],
      other: 'The key is revoked.',
    });
  });
});
