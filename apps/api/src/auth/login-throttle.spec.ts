import { FakeClock } from '../common/testing/fake-clock';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  it('locks an address out after maxFailures within the window, per address', () => {
    const clock = new FakeClock();
    const throttle = new LoginThrottle(clock, { maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds('a')).toBe(0);
      throttle.recordFailure('a');
    }
    expect(throttle.retryAfterSeconds('a')).toBe(60);
    expect(throttle.retryAfterSeconds('b')).toBe(0);
    clock.advance(59_000);
    expect(throttle.retryAfterSeconds('a')).toBe(1);
    clock.advance(1_000);
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('forgets failures after a successful sign-in', () => {
    const throttle = new LoginThrottle(new FakeClock(), { maxFailures: 2, windowMs: 60_000 });
    throttle.recordFailure('a');
    throttle.recordSuccess('a');
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });
});
