import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminAuthGuard } from './common/admin-auth.guard';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { Readiness } from './common/readiness';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { DeploymentModule } from './deployments/deployment.module';
import { GatewayModule } from './gateway/gateway.module';
import { HealthModule } from './health/health.module';
import { RoutingModule } from './routing/routing.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule, RoutingModule, HealthModule, GatewayModule, DeploymentModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        Readiness,
        { provide: APP_GUARD, useClass: AdminAuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [APP_CONFIG, Readiness],
    };
  }
}
