// The node flags the gateway runs with: `npm start` (scripts/start.mjs), the benchmark, and the Docker
// image (docker/Dockerfile repeats them; keep the two in step).
//
// --single-threaded-gc: the gateway is one JavaScript thread. V8's parallel and concurrent GC helpers
//   only pay off with idle cores to run on; on a gateway pinned to a core (or one instance per core)
//   they fight the main thread for it, and a scavenge took 5-18 ms instead of 2-3 ms in the benchmark.
// --max-old-space-size=512: V8 sizes its heap growth by this limit. At the default (about 4 GB here)
//   the heap of a busy gateway grew to 200-320 MB between full collections (RSS 300-450 MB); under
//   512 MB it stays around 100 MB (RSS 210-230 MB), with room left for a full request-log queue
//   (100,000 rows while the database is away) and large request bodies.
export const GATEWAY_NODE_FLAGS = ['--single-threaded-gc', '--max-old-space-size=512'];
