import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OpenApiController } from './openapi.controller';
import { OpenApiService } from './openapi.service';

/**
 * `/api/docs`: Swagger UI, served from its npm package, over `/api/docs/openapi.json`, generated from the
 * zod contracts (bodies and queries: the very schemas the handlers validate with), the route table and the
 * permission table.
 */
@Module({
  imports: [DiscoveryModule],
  controllers: [OpenApiController],
  providers: [OpenApiService],
})
export class OpenApiModule {}
