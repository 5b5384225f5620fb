// Time as a port so SLA timers, token expiry and tests can run on a controllable clock.
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
