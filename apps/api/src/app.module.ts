import { SecretBox } from './common/crypto';
import { CLOCK, type Clock, RANDOM } from './common/clock';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AdminAuthGuard } from './common/admin-auth.guard';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { Readiness } from './common/readiness';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { DeploymentModule } from './deployments/deployment.module';
import { GatewayModule } from './gateway/gateway.module';
import { MetricsModule } from './metrics/metrics.module';
import { HealthModule } from './health/health.module';
import { ImportModule } from './import/import.module';
import { LiteLLMCompatModule } from './litellm-compat/litellm-compat.module';
import { OpenApiModule } from './openapi/openapi.module';
import { PlaygroundModule } from './playground/playground.module';
import { RoutingModule } from './routing/routing.module';
import { AccountsModule } from './accounts/accounts.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { KeysModule } from './keys/keys.module';
import { PricesModule } from './prices/prices.module';
import { ProjectsModule } from './projects/projects.module';
import { UsageModule } from './usage/usage.module';
import { SecurityModule } from './security/security.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        DatabaseModule,
        RoutingModule,
        HealthModule,
        GatewayModule,
        DeploymentModule,
        UsageModule,
        MetricsModule,
        AuthModule,
        AccountsModule,
        KeysModule,
        ProjectsModule,
        PricesModule,
        ImportModule,
        LiteLLMCompatModule,
        OpenApiModule,
        SecurityModule,
        PlaygroundModule,
        AlertsModule,
      ],
      providers: [
        // An object of this app's own (not the shared systemClock), so a test can pin one instance's time.
        { provide: CLOCK, useFactory: (): Clock => ({ now: () => Date.now() }) },
        { provide: RANDOM, useValue: Math.random },
        // One cipher for upstream API keys at rest, from ENCRYPTION_KEY.
        {
          provide: SecretBox,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => new SecretBox(c.encryptionKey),
        },
        { provide: APP_CONFIG, useValue: config },
        Readiness,
        { provide: APP_GUARD, useClass: AdminAuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [APP_CONFIG, Readiness, CLOCK, RANDOM, SecretBox],
    };
  }
}
