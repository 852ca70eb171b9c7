import { Module } from '@nestjs/common';
import { GatewayRoutes } from './gateway.routes';
import { GatewayService } from './gateway.service';
import { UpstreamClient } from './upstream-client';

/**
 * The data plane (plain Fastify routes, see GatewayRoutes). Its collaborators come from global modules: GATEWAY_AUTH (keys), COST_CALCULATOR
 * (prices), REQUEST_LOG_SINK (usage), the Router (routing).
 */
@Module({
  providers: [GatewayService, GatewayRoutes, UpstreamClient],
  exports: [UpstreamClient],
})
export class GatewayModule {}
