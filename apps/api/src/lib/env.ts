import type { Logger, Store } from "@treatywatch/core";

/** What every handler can reach through the context. */
export interface Services {
  store: Store;
  logger: Logger;
}

export interface AppEnv {
  Variables: {
    services: Services;
    requestId: string;
  };
}
