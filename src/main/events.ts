import { EventEmitter } from 'node:events';
import type { EventPayload } from '../shared/contract';
import type { EventChannel } from '../shared/channels';

/** Typed push events from the services to whichever host shows them (Electron window, web harness, tests). */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    this.emitter.emit(channel, payload);
  }

  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }
}
