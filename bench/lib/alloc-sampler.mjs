// Preloaded into the gateway by `npm run bench -- --alloc-prof` (node --import): SIGUSR2 starts V8's
// sampling heap profiler, counting objects that garbage collection already took (so it measures what is
// allocated, not what stays live); the next SIGUSR2 stops it and writes the profile to SB_ALLOC_PROF_OUT.
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';

const out = process.env.SB_ALLOC_PROF_OUT;
if (out) {
  const session = new inspector.Session();
  session.connect();
  let sampling = false;
  process.on('SIGUSR2', () => {
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
