import { Module } from '@nestjs/common';
import { LiveConfigService } from './live-config.service';
import { Router } from './router';
import { RouterRegistry } from './router-registry';
import { RoutingConfigRepository } from './routing-config.repository';

/** The live router: registry (served from memory), strategies and state, kept in sync with the database. */
@Module({
  providers: [
    { provide: RouterRegistry, useFactory: () => new RouterRegistry() },
    {
      provide: Router,
      useFactory: (registry: RouterRegistry) => new Router({ registry }),
      inject: [RouterRegistry],
    },
    RoutingConfigRepository,
    LiveConfigService,
  ],
  exports: [RouterRegistry, Router, LiveConfigService],
})
export class RoutingModule {}
