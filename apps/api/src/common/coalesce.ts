/**
 * Wraps a reload so that concurrent calls share one run: a call while it runs queues exactly one more
 * pass (however many calls arrive meanwhile), and every caller's promise settles after a pass that
 * started after its call. Used where change notifications can arrive in bursts.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
