import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/**
 * Validates a body or query with a shared contract from @switchboard/contracts. A ZodError reaches
 * AllExceptionsFilter, which answers 400 `validation_failed` with every problem listed.
 */
export class ZodValidationPipe<T extends z.ZodTypeAny> implements PipeTransform<unknown, z.output<T>> {
  constructor(readonly schema: T) {}

  transform(value: unknown): z.output<T> {
    return this.schema.parse(value ?? {}) as z.output<T>;
  }
}
