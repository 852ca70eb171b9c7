import { Body, Controller, Param, Put } from '@nestjs/common';
import { type ModelGroup, saveGroupRoutingSchema } from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { GroupRoutingService, type SaveGroupRoutingInput } from './group-routing.service';

/** Lives beside deployments (it writes them); the path is the model group's. */
@Controller('api/model-groups')
export class GroupRoutingController {
  constructor(private readonly routing: GroupRoutingService) {}

  @Put(':name/routing')
  save(
    @Param('name') name: string,
    @Body(new ZodValidationPipe(saveGroupRoutingSchema)) body: SaveGroupRoutingInput,
    @Actor() actor: string,
  ): Promise<ModelGroup> {
    return this.routing.save(name, body, actor);
  }
}
