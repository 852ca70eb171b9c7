import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type CreatedKey,
  createKeySchema,
  keyListQuerySchema,
  rotateKeySchema,
  updateKeySchema,
  type VirtualKey,
} from '@switchboard/contracts';
import type { ProjectScope } from '../auth/caller';
import { CallerScope } from '../auth/project-scope.decorator';
import { RouterRegistry } from '../routing/router-registry';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  type CreateKeyInput,
  type KeyListQuery,
  type KeyPage,
  type RotateKeyInput,
  type UpdateKeyInput,
  VirtualKeyService,
} from './virtual-key.service';

@Controller('api/keys')
export class VirtualKeyController {
  constructor(
    private readonly keys: VirtualKeyService,
    private readonly registry: RouterRegistry,
  ) {}

  /**
   * The model group names a key can be limited to (from memory), for whoever issues keys: a project
   * member has no `config:read`, so the model-group list itself stays closed to them.
   */
  @Get('models')
  models(): { data: string[] } {
    return {
      data: this.registry
        .listGroups()
        .map((g) => g.policy.name)
        .sort((a, b) => a.localeCompare(b)),
    };
  }

  @Get()
  list(
    @Query(new ZodValidationPipe(keyListQuerySchema)) query: KeyListQuery,
    @CallerScope() scope: ProjectScope,
  ): Promise<KeyPage> {
    return this.keys.list(query, scope);
  }

  /** Answers the plaintext key once, as `key`. */
  @Post()
  create(
    @Body(new ZodValidationPipe(createKeySchema)) body: CreateKeyInput,
    @Actor() actor: string,
    @CallerScope() scope: ProjectScope,
  ): Promise<CreatedKey> {
    return this.keys.create(body, actor, scope);
  }

  @Get(':id')
  get(@Param('id') id: string, @CallerScope() scope: ProjectScope): Promise<VirtualKey> {
    return this.keys.get(id, scope);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateKeySchema)) body: UpdateKeyInput,
    @Actor() actor: string,
    @CallerScope() scope: ProjectScope,
  ): Promise<VirtualKey> {
    return this.keys.update(id, body, actor, scope);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(
    @Param('id') id: string,
    @Actor() actor: string,
    @CallerScope() scope: ProjectScope,
  ): Promise<VirtualKey> {
    return this.keys.revoke(id, actor, scope);
  }

  /** Answers the new plaintext key once, as `key`. */
  @Post(':id/rotate')
  @HttpCode(200)
  rotate(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(rotateKeySchema)) body: RotateKeyInput,
    @Actor() actor: string,
    @CallerScope() scope: ProjectScope,
  ): Promise<CreatedKey> {
    return this.keys.rotate(id, body, actor, scope);
  }
}
