import type { z } from 'zod';
import { isApiError } from '@/lib/api-client';

/** Messages next to fields, plus the ones that belong to no field (shown above the form). */
export interface FormErrors {
  fields: Partial<Record<string, string>>;
  other: string[];
}

export const NO_FORM_ERRORS: FormErrors = { fields: {}, other: [] };

export function hasFormErrors(errors: FormErrors): boolean {
  return errors.other.length > 0 || Object.values(errors.fields).some((message) => message !== undefined);
}

/** `''` → null (an optional number left empty); anything else → a number, NaN when it is not one. */
export function parseOptionalNumber(value: string): number | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return Number(trimmed.replace(/[\s,_]/g, ''));
}

/**
 * A shared contract's issues as one message per field (the first wins), phrased for a person:
 * the schemas say "is required" or "Too small: expected number to be >0". Issues on fields the
 * form does not show (not in `labels`) go to `other`, prefixed with their path.
 */
export function formErrorsFromZod(error: z.ZodError, labels: Readonly<Record<string, string>>): FormErrors {
  const result: FormErrors = { fields: {}, other: [] };
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : '';
    const label = labels[field];
    if (label !== undefined) {
      result.fields[field] ??= friendlyIssue(issue, label);
    } else {
      const path = issue.path.map(String).join('.');
      result.other.push(sentence(path ? `${path}: ${issue.message}` : issue.message));
    }
  }
  return result;
}

/**
 * A failed API call as form errors: `validation_failed` details land next to their fields,
 * everything else (conflicts, network) above the form. `under`: the fields sit under this key of the
 * request body (e.g. `policy`), so `policy.numRetries` is the `numRetries` field.
 */
export function formErrorsFromApi(
  error: unknown,
  labels: Readonly<Record<string, string>>,
  under?: string,
): FormErrors {
  if (!isApiError(error)) {
    return { fields: {}, other: [error instanceof Error ? error.message : 'Something went wrong.'] };
  }
  const result: FormErrors = { fields: {}, other: [] };
  for (const issue of error.fieldIssues) {
    const path =
      under && issue.path.startsWith(`${under}.`) ? issue.path.slice(under.length + 1) : issue.path;
    const field = path.split('.')[0] ?? '';
    if (labels[field] !== undefined) {
      result.fields[field] ??= sentence(
        issue.message === 'is required' ? `${labels[field]} is required` : issue.message,
      );
    } else {
      result.other.push(sentence(issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    }
  }
  if (!hasFormErrors(result)) result.other.push(error.message);
  return result;
}

function friendlyIssue(issue: z.core.$ZodIssue, label: string): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1
          ? `${label} is required.`
          : `${label} must be at least ${String(issue.minimum)} characters.`;
      }
      if (issue.origin === 'number') {
        return issue.inclusive
          ? `Must be ${String(issue.minimum)} or more.`
          : `Must be greater than ${String(issue.minimum)}.`;
      }
      return `${label} needs at least ${String(issue.minimum)}.`;
    case 'too_big':
      if (issue.origin === 'string') return `${label} can be at most ${String(issue.maximum)} characters.`;
      if (issue.origin === 'number') return `Must be ${String(issue.maximum)} or less.`;
      return `${label} can have at most ${String(issue.maximum)}.`;
    case 'invalid_type':
      if (issue.expected === 'int') return 'Enter a whole number.';
      if (issue.expected === 'number') return 'Enter a number.';
      return `${label} is not valid.`;
    default:
      return sentence(issue.message === 'is required' ? `${label} is required` : issue.message);
  }
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
