import { Module } from '@nestjs/common';
import { GatewayController } from './gateway.controller';
import { GatewayService } from './gateway.service';
import { UpstreamClient } from './upstream-client';

/**
 * The data plane. Its collaborators come from global modules: GATEWAY_AUTH (keys), COST_CALCULATOR
 * (prices), REQUEST_LOG_SINK (usage), the Router (routing).
 */
@Module({
  controllers: [GatewayController],
  providers: [GatewayService, UpstreamClient],
  exports: [UpstreamClient],
})
export class GatewayModule {}
