import { Inject, Injectable } from '@nestjs/common';
import { safeEqual } from '../common/crypto';
import { OpenAIError } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type {
  Admission,
  CostCalculator,
  GatewayAuth,
  Principal,
  RequestLogEntry,
  RequestLogSink,
} from './gateway-auth';

// TEMPORARY until the keys/usage/prices modules land: master key only, no log, no cost.
@Injectable()
export class MasterOnlyAuth implements GatewayAuth {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}
  authenticate(token: string | null): Principal {
    if (token && safeEqual(token, this.config.masterKey)) return { kind: 'master' };
    throw new OpenAIError(401, 'authentication_error', 'Invalid API key.', 'invalid_api_key');
  }
  canUseModel(): boolean {
    return true;
  }
  admit(): Admission {
    return { release: () => undefined };
  }
}
export class NoopSink implements RequestLogSink {
  readonly entries: RequestLogEntry[] = [];
  enqueue(e: RequestLogEntry): void {
    this.entries.push(e);
  }
}
export class ZeroCost implements CostCalculator {
  costUsd(): number {
    return 0;
  }
}
