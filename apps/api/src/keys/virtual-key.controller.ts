import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type CreatedKey,
  createKeySchema,
  keyListQuerySchema,
  rotateKeySchema,
  updateKeySchema,
  type VirtualKey,
} from '@switchboard/contracts';
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
  constructor(private readonly keys: VirtualKeyService) {}

  @Get()
  list(@Query(new ZodValidationPipe(keyListQuerySchema)) query: KeyListQuery): Promise<KeyPage> {
    return this.keys.list(query);
  }

  /** Answers the plaintext key once, as `key`. */
  @Post()
  create(
    @Body(new ZodValidationPipe(createKeySchema)) body: CreateKeyInput,
    @Actor() actor: string,
  ): Promise<CreatedKey> {
    return this.keys.create(body, actor);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<VirtualKey> {
    return this.keys.get(id);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateKeySchema)) body: UpdateKeyInput,
    @Actor() actor: string,
  ): Promise<VirtualKey> {
    return this.keys.update(id, body, actor);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  revoke(@Param('id') id: string, @Actor() actor: string): Promise<VirtualKey> {
    return this.keys.revoke(id, actor);
  }

  /** Answers the new plaintext key once, as `key`. */
  @Post(':id/rotate')
  @HttpCode(200)
  rotate(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(rotateKeySchema)) body: RotateKeyInput,
    @Actor() actor: string,
  ): Promise<CreatedKey> {
    return this.keys.rotate(id, body, actor);
  }
}
