import type { Handlers } from './ipc/dispatcher';
import type { Services } from './services';

/** Channel -> service call. Validation and error mapping happen in the dispatcher, not here. */
export function createHandlers(services: Services): Handlers {
  return {
    'app:info': () => services.appInfo(),
  };
}
