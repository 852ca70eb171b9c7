import { Module } from '@nestjs/common';
import { GatewayModule } from '../gateway/gateway.module';
import { KeysModule } from '../keys/keys.module';
import { PlaygroundController } from './playground.controller';
import { PlaygroundService } from './playground.service';

/** The console's playground: one chat through the real data plane, as a chosen key (or the master key). */
@Module({
  imports: [GatewayModule, KeysModule],
  controllers: [PlaygroundController],
  providers: [PlaygroundService],
})
export class PlaygroundModule {}
