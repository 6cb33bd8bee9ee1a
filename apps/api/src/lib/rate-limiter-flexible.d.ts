// The limiters are imported one file each, so bundles leave out the stores they do not use.
declare module "rate-limiter-flexible/lib/RateLimiterMemory.js" {
  import { RateLimiterMemory } from "rate-limiter-flexible";
  export default RateLimiterMemory;
}
declare module "rate-limiter-flexible/lib/RateLimiterRes.js" {
  import { RateLimiterRes } from "rate-limiter-flexible";
  export default RateLimiterRes;
}
declare module "rate-limiter-flexible/lib/RateLimiterDynamo.js" {
  import { RateLimiterDynamo } from "rate-limiter-flexible";
  export default RateLimiterDynamo;
}
