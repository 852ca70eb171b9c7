'use client';

import { useState } from 'react';
import { type FormErrors, NO_FORM_ERRORS } from './form-errors';

/**
 * A form's errors, and `showErrors`, which also puts the cursor in the first field (in `order`, the
 * form's own order) that has one. `fieldId` gives a field's input id.
 */
export function useFormErrors<F extends string>(order: readonly F[], fieldId: (field: F) => string) {
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);

  function showErrors(next: FormErrors) {
    setErrors(next);
    const first = order.find((field) => next.fields[field]);
    if (first) document.getElementById(fieldId(first))?.focus();
  }

  return { errors, setErrors, showErrors, clearErrors: () => setErrors(NO_FORM_ERRORS) };
}
