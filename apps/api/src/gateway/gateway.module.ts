import { Module } from '@nestjs/common';
import { GatewayController } from './gateway.controller';
import { COST_CALCULATOR, GATEWAY_AUTH, REQUEST_LOG_SINK } from './gateway-auth';
import { GatewayService } from './gateway.service';
import { MasterOnlyAuth, NoopSink, ZeroCost } from './interim-defaults';
import { UpstreamClient } from './upstream-client';

@Module({
  controllers: [GatewayController],
  providers: [
    GatewayService,
    UpstreamClient,
    { provide: GATEWAY_AUTH, useClass: MasterOnlyAuth },
    { provide: REQUEST_LOG_SINK, useClass: NoopSink },
    { provide: COST_CALCULATOR, useClass: ZeroCost },
  ],
  exports: [UpstreamClient],
})
export class GatewayModule {}
