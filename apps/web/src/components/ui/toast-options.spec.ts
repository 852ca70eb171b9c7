import { TOAST_DURATION_MS, toastOptions } from './toast-options';

describe('toastOptions', () => {
  it('keeps an error up for 9 s and a success or a notice for 5 s', () => {
    expect(toastOptions('error').duration).toBe(9000);
    expect(toastOptions('success').duration).toBe(5000);
    expect(toastOptions('info').duration).toBe(5000);
    expect(TOAST_DURATION_MS.error).toBeGreaterThan(TOAST_DURATION_MS.success);
  });

  it('passes the description on, and leaves it out when there is none', () => {
    expect(toastOptions('error', 'The key is revoked.')).toEqual({
      description: 'The key is revoked.',
      duration: 9000,
    });
    expect(toastOptions('success')).toEqual({ duration: 5000 });
    expect(toastOptions('info', '')).toEqual({ duration: 5000 });
  });
});
