import { Controller, Get, Query } from '@nestjs/common';
import { auditListQuerySchema } from '@switchboard/contracts';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { type AuditEventPage, type AuditListQuery, AuditService } from './audit.service';

@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@Query(new ZodValidationPipe(auditListQuerySchema)) query: AuditListQuery): Promise<AuditEventPage> {
    return this.audit.list(query);
  }
}
