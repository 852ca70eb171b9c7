import { updateModelGroupSchema } from '@switchboard/contracts';
import { ApiError } from '@/lib/api-client';
import { formErrorsFromApi, formErrorsFromZod, hasFormErrors, parseOptionalNumber } from './form-errors';

describe('parseOptionalNumber', () => {
  it.each([
    ['', null],
    ['   ', null],
    ['42', 42],
    [' 1 000 ', 1000],
    ['1,500', 1500],
    ['2_5', 25],
    ['0.5', 0.5],
  ])('%j → %j', (raw, expected) => {
    expect(parseOptionalNumber(raw)).toBe(expected);
  });

  it('gives NaN for text that is not a number, so validation can say so', () => {
    expect(parseOptionalNumber('ten')).toBeNaN();
  });
});

describe('formErrorsFromZod', () => {
  it('phrases issues per field for a person and keeps unknown fields apart, with their path', () => {
    const parsed = updateModelGroupSchema.safeParse({ numRetries: -1, timeoutMs: 5, bogus: true });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const errors = formErrorsFromZod(parsed.error, { numRetries: 'Retries', timeoutMs: 'Timeout' });
    expect(errors.fields.numRetries).toBe('Must be 0 or more.');
    expect(errors.fields.timeoutMs).toBe('Must be 100 or more.');
    expect(errors.other).toEqual([expect.stringMatching(/bogus/i)]);
    expect(hasFormErrors(errors)).toBe(true);
  });
});

describe('formErrorsFromApi', () => {
  const validation = (details: unknown) =>
    new ApiError(400, 'validation_failed', 'Invalid request: something', details);

  it("puts validation details next to the form's fields and the rest above the form", () => {
    const errors = formErrorsFromApi(
      validation([
        { path: 'numRetries', message: 'is required' },
        { path: 'deployments.1.id', message: "belongs to model group 'b'" },
      ]),
      { numRetries: 'Retries' },
    );
    expect(errors).toEqual({
      fields: { numRetries: 'Retries is required.' },
      other: ["Deployments.1.id: belongs to model group 'b'."],
    });
  });

  it('maps fields nested under a key of the request body (a group-routing save sends `policy.*`)', () => {
    const error = validation([{ path: ['policy', 'cooldownSeconds'], message: 'Too big' }]);
    expect(formErrorsFromApi(error, { cooldownSeconds: 'Cooldown' }, 'policy').fields).toEqual({
      cooldownSeconds: 'Too big.',
    });
    // Without `under` the same issue belongs to no field.
    expect(formErrorsFromApi(error, { cooldownSeconds: 'Cooldown' }).fields).toEqual({});
  });

  it('falls back to the message for conflicts, network failures and anything else', () => {
    expect(formErrorsFromApi(new ApiError(409, 'conflict', 'Already exists.'), {}).other).toEqual([
      'Already exists.',
    ]);
    expect(formErrorsFromApi(new Error('offline'), {}).other).toEqual(['offline']);
    expect(formErrorsFromApi('weird', {}).other).toEqual(['Something went wrong.']);
  });
});
