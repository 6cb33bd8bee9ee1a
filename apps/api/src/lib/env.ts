import type {
  Clock,
  ConfirmationSender,
  KeyStore,
  Logger,
  Scope,
  Store,
  SubscriptionStore,
  WebhookVerifier,
} from "@treatywatch/core";
import type { AllowList } from "@treatywatch/http/address";
import type { Delivery } from "@treatywatch/store";
import type { RemoteAddress } from "./client-address.ts";
import type { RateLimiterFactory } from "./rate-limit.ts";

/** The slice of the delivery store the API uses: a subscription's log, newest first, and its webhook's health. */
export interface DeliveryLog {
  forSubscription(subscriptionId: string, limit: number): Delivery[] | Promise<Delivery[]>;
  /** Enables a disabled webhook endpoint again; false when it was not disabled. */
  enableEndpoint(subscriptionId: string): boolean | Promise<boolean>;
}

/** What every handler can reach through the context. */
export interface Services {
  store: Store;
  logger: Logger;
  keys: KeyStore;
  subscriptions: SubscriptionStore;
  clock: Clock;
  webhookVerifier: WebhookVerifier;
  confirmations: ConfirmationSender;
  deliveries: DeliveryLog;
}

/** How this deployment of the API behaves; every field has a default. */
export interface AppOptions {
  /** The public origin links in emails and feeds point at, e.g. https://alerts.example.org. */
  publicUrl?: string | undefined;
  /** Origins allowed to call the API from a browser; none when empty. */
  corsOrigins?: readonly string[] | undefined;
  /** Requests one API key may make in a window. */
  rateLimit?: { requests: number; windowSeconds: number } | undefined;
  /** Requests without a key one client address may make in a window. */
  anonymousRateLimit?: { requests: number; windowSeconds: number } | undefined;
  /** Counts requests for the limits above; by default in this process's memory. */
  rateLimiters?: RateLimiterFactory | undefined;
  /** Proxies in front whose X-Forwarded-For entries are trusted; 0 (the default) trusts none. */
  trustedProxies?: number | undefined;
  /** The peer address of a request; by default read from the node server or Lambda event. Unknown peers share one limit. */
  remoteAddress?: RemoteAddress | undefined;
  /**
   * Hosts, addresses and ranges outbound requests may reach although the address guard
   * would refuse them (TREATYWATCH_FETCH_ALLOW): webhook URLs on them may use http and IP literals.
   */
  outboundAllow?: readonly string[] | undefined;
  /** The largest request body accepted. */
  bodyLimitBytes?: number | undefined;
  /**
   * Behind CloudFront: the secret its origin header must carry (requests without it are refused
   * with 403), and links are made on the host the viewer asked for, when no `publicUrl` is set.
   */
  origin?: { secret: () => Promise<string> } | undefined;
  /** The tenant sign-ups on the public pages join (default `public`); false turns public sign-ups off. */
  publicSignups?: { tenant: string } | false | undefined;
}

/** The caller, when the request carried a valid API key. */
export interface Caller {
  tenantId: string;
  keyId: string;
  scopes: Scope[];
}

export interface AppEnv {
  Variables: {
    services: Services;
    options: { publicUrl: string; outboundAllow: AllowList };
    requestId: string;
    caller: Caller | undefined;
    /** Headers every answer to this request carries (see `answerHeaders`); taken by `answer`. */
    answerHeaders: Record<string, string> | undefined;
    /** Set where a middleware remakes the response after the route answers (CORS). */
    answerRemade: boolean | undefined;
  };
}
