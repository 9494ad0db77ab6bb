export { type AddressClass, classifyAddress } from './address';
export { checkOutboundUrl, type GuardedRequestInit, type GuardedResponse, guardedFetch } from './guarded-fetch';
export { IDEMPOTENCY_HEADER, SIGNATURE_HEADER } from './hop';
export { DEFAULT_LIMITS, type OutboundPolicy, type ResolvedAddress, type Resolver } from './policy';
export { signBody, type VerifyOptions, verifySignature } from './signature';
export { type CheckedHost, checkOutboundHost } from './host';
