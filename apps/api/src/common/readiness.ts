import { Injectable } from '@nestjs/common';

/** Components report whether they are ready to serve (e.g. the router has loaded its registry). */
@Injectable()
export class Readiness {
  private readonly parts = new Map<string, { ready: boolean; detail?: string }>();

  declare(name: string): void {
    if (!this.parts.has(name)) this.parts.set(name, { ready: false, detail: 'starting' });
  }

  set(name: string, ready: boolean, detail?: string): void {
    this.parts.set(name, { ready, detail });
  }

  snapshot(): Record<string, { ready: boolean; detail?: string }> {
    return Object.fromEntries(this.parts);
  }
}
