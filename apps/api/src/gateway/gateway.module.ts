import { Module } from '@nestjs/common';
import { GatewayRoutes } from './gateway.routes';
import { GatewayService } from './gateway.service';
import { RequestLogRecorder } from './request-log.recorder';
import { UpstreamAttempt } from './upstream-attempt';
import { UpstreamClient } from './upstream-client';
import { UpstreamWatchdog } from './upstream-watchdog';
import { KeysModule } from '../keys/keys.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PricesModule } from '../prices/prices.module';
import { ProjectsModule } from '../projects/projects.module';
import { RoutingModule } from '../routing/routing.module';
import { SecurityModule } from '../security/security.module';
import { UsageModule } from '../usage/usage.module';

/**
 * The data plane (plain Fastify routes, see GatewayRoutes). A request flows GatewayService (auth, admission,
 * routing) → UpstreamAttempt (one try on one deployment: buffered or stream) → RequestLogRecorder (its row).
 * Collaborators: GATEWAY_AUTH (keys), COST_CALCULATOR (prices), REQUEST_LOG_SINK and REFUSAL_SINK (usage),
 * the Router (routing), metrics, and the failed-key throttle (security).
 */
@Module({
  // ProjectsModule: BODY_POLICY, which projects keep request bodies.
  imports: [
    KeysModule,
    PricesModule,
    UsageModule,
    RoutingModule,
    MetricsModule,
    SecurityModule,
    ProjectsModule,
  ],
  providers: [
    GatewayService,
    GatewayRoutes,
    UpstreamAttempt,
    UpstreamWatchdog,
    RequestLogRecorder,
    UpstreamClient,
  ],
  exports: [UpstreamClient, GatewayService],
})
export class GatewayModule {}
