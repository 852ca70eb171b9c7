import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';
import { OpenApiService } from './openapi.service';

/**
 * `/api/docs`: Swagger UI, served from its npm package, over `/api/docs/openapi.json`, generated from the
 * zod contracts, the route table and the permission table.
 */
@Module({
  controllers: [OpenApiController],
  providers: [OpenApiService],
})
export class OpenApiModule {}
