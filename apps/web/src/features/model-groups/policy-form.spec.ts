import { zodResolver } from '@hookform/resolvers/zod';
import type { Deployment, ModelGroup } from '@switchboard/contracts';
import { createFormControl } from 'react-hook-form';
import {
  editedFields,
  hasField,
  routingChanges,
  routingFormSchema,
  routingValuesOf,
  type RoutingFormValues,
  type RoutingValues,
} from './policy-form';

const group: ModelGroup = {
  id: 'g',
  name: 'gpt-4.1',
  strategy: 'weighted-shuffle',
  numRetries: 2,
  fallbacks: ['gpt-4.1-mini'],
  allowedFails: 3,
  cooldownSeconds: 60,
  maxCooldownSeconds: 300,
  timeoutMs: null,
  streamIdleTimeoutMs: null,
  deploymentCount: 2,
  expectedSplit: [],
  createdAt: '2026-12-05T00:00:00.000Z',
  updatedAt: '2026-12-05T00:00:00.000Z',
};
// Deployment ids are UUIDs; one starting with digits shows the form's record keys are not array indexes.
const D1 = '0b7c4f1e-2d3a-4c5b-8e9f-0a1b2c3d4e5f';
const D2 = 'f3a9d2c1-7b6e-4d5c-9a8b-1c2d3e4f5a6b';
const deployments = [
  { id: D1, weight: 2, priority: 0 },
  { id: D2, weight: null, priority: 1 },
] as Deployment[];

const resolver = zodResolver(routingFormSchema);
const resolve = (values: RoutingFormValues) =>
  resolver(values, undefined, { fields: {}, shouldUseNativeValidation: false });
const typed = (edit: Partial<RoutingFormValues>): RoutingFormValues => ({
  ...routingValuesOf(group, deployments),
  ...edit,
});

/** The body a save sends for these values, or the messages the form shows per field. */
async function submit(values: RoutingFormValues) {
  const result = await resolve(values);
  if (Object.keys(result.errors).length > 0) return { errors: result.errors };
  return { body: routingChanges(result.values as RoutingValues, group, deployments) };
}

describe('the routing form', () => {
  it('sends nothing when nothing changed', async () => {
    expect(await submit(routingValuesOf(group, deployments))).toEqual({
      body: { policy: null, deployments: [] },
    });
  });

  it('sends only the fields that changed, numbers as numbers and an emptied optional as null', async () => {
    expect(await submit(typed({ numRetries: ' 4 ', timeoutMs: '30000', fallbacks: [] }))).toEqual({
      body: { policy: { numRetries: 4, timeoutMs: 30000, fallbacks: [] }, deployments: [] },
    });
    const withTimeout = { ...group, timeoutMs: 5000 };
    const cleared = await resolve({ ...routingValuesOf(withTimeout, deployments), timeoutMs: '' });
    expect(routingChanges(cleared.values as RoutingValues, withTimeout, deployments)).toEqual({
      policy: { timeoutMs: null },
      deployments: [],
    });
  });

  it('sends the changed weights and priorities of each deployment by id; an emptied weight is null', async () => {
    const values = typed({
      strategy: 'priority',
      weights: { [D1]: '', [D2]: '5' },
      priorities: { [D1]: '0', [D2]: '3' },
    });
    expect(await submit(values)).toEqual({
      body: {
        policy: { strategy: 'priority' },
        deployments: [
          { id: D1, weight: null },
          { id: D2, weight: 5, priority: 3 },
        ],
      },
    });
  });

  it('puts each refused value on its own field, in the words the other forms use', async () => {
    const result = await submit(
      typed({
        numRetries: '-1',
        cooldownSeconds: '',
        timeoutMs: '0',
        maxCooldownSeconds: '2.5',
        weights: { [D1]: 'lots', [D2]: '-3' },
        priorities: { [D1]: '1.5', [D2]: '' },
      }),
    );
    expect(result.body).toBeUndefined();
    const errors = result.errors as Record<string, unknown>;
    expect(errors).toMatchObject({
      numRetries: { message: 'Must be 0 or more.' },
      cooldownSeconds: { message: 'Enter a number.' },
      timeoutMs: { message: 'Must be 100 or more.' },
      maxCooldownSeconds: { message: 'Enter a whole number.' },
      weights: { [D1]: { message: 'Enter a number.' }, [D2]: { message: 'Must be 0 or more.' } },
      priorities: { [D1]: { message: 'Enter a whole number.' }, [D2]: { message: 'Enter a number.' } },
    });
    expect(Object.keys(errors).sort()).toEqual([
      'cooldownSeconds',
      'maxCooldownSeconds',
      'numRetries',
      'priorities',
      'timeoutMs',
      'weights',
    ]);
  });

  it('is dirty only while a value differs from what it was reset to', () => {
    const form = createFormControl<RoutingFormValues, unknown, RoutingValues>({
      defaultValues: routingValuesOf(group, deployments),
      resolver: zodResolver(routingFormSchema),
    });
    let dirty: boolean | undefined;
    form.subscribe({ formState: { isDirty: true }, callback: (state) => (dirty = state.isDirty) });
    form.setValue(`weights.${D1}`, '3', { shouldDirty: true });
    expect(dirty).toBe(true);
    expect(form.getValues().weights).toEqual({ [D1]: '3', [D2]: '' });
    form.setValue(`weights.${D1}`, '2', { shouldDirty: true });
    expect(dirty).toBe(false);
  });
});

describe('a refresh from the server under an edit', () => {
  const base = routingValuesOf(group, deployments);

  it('keeps what the operator typed and lets every other field follow the server', () => {
    const current = { ...base, numRetries: '5', weights: { ...base.weights, [D2]: '7' } };
    expect(editedFields(base, base)).toEqual([]);
    expect(editedFields(base, current)).toEqual([
      { path: 'numRetries', value: '5' },
      { path: `weights.${D2}`, value: '7' },
    ]);
  });

  it('fills the rows of deployments that arrive after the form (their inputs start empty)', () => {
    const before = routingValuesOf(group, null);
    const registered = { ...before, numRetries: '4', weights: { [D1]: '', [D2]: '' } };
    expect(editedFields(before, registered)).toEqual([{ path: 'numRetries', value: '4' }]);
  });

  it('drops the edits of a deployment that left the group', () => {
    const server = routingValuesOf(group, deployments.slice(0, 1));
    expect(hasField(server, `weights.${D1}`)).toBe(true);
    expect(hasField(server, `weights.${D2}`)).toBe(false);
    expect(hasField(server, 'numRetries')).toBe(true);
  });
});
