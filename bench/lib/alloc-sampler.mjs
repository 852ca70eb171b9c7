// Preloaded into the gateway by `npm run bench -- --alloc-prof` (node --import). SIGWINCH starts V8's
// sampling heap profiler, counting objects that garbage collection already took (so it measures what is
// allocated, not what stays live); the next SIGWINCH stops it and writes the profile to SB_ALLOC_PROF_OUT.
// SIGWINCH because nothing else in the gateway listens to it (builds that called Nest's
// enableShutdownHooks() shut down on SIGUSR2).
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';

const out = process.env.SB_ALLOC_PROF_OUT;
if (out) {
  const session = new inspector.Session();
  session.connect();
  let sampling = false;
  process.on('SIGWINCH', () => {
    if (!sampling) {
      sampling = true;
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      return;
    }
    sampling = false;
    session.post('HeapProfiler.stopSampling', (err, result) => {
      writeFileSync(out, err ? JSON.stringify({ error: String(err) }) : JSON.stringify(result.profile));
    });
  });
}
