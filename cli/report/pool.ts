// Runs the design review's configuration jobs on worker threads, each taking the next job when
// it finishes one (the jobs are CPU-bound and independent, so a worker per core). Results come
// back in job order whatever order the workers finish in, so the report does not depend on it.
import { Worker } from "node:worker_threads";
import type { ConfigJob, ConfigVerdicts, JobProgress } from "./check-config.ts";
import type { FromWorker, ToWorker } from "./worker.ts";

export interface PoolEvents {
  onStart(config: string): void;
  onProgress(config: string, progress: JobProgress): void;
  onDone(result: ConfigVerdicts): void;
}

// The worker is TypeScript like the rest of the CLI, but Node 20 does not apply a loader given
// in a worker's execArgv to its entry module: so the worker starts as this script, which
// registers tsx (resolved from here, so any working directory does) and then imports the entry.
// execArgv is emptied because the tsx CLI's own flags, inherited, would re-run the main script.
const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL("./worker.ts", import.meta.url).href)}); })`;

/** `workers` threads (a core each, for CPU-bound jobs); more than there are jobs would idle. */
export function checkConfigs(jobs: readonly ConfigJob[], events: PoolEvents, workers: number): Promise<ConfigVerdicts[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  const results: ConfigVerdicts[] = [];
  const started: Worker[] = [];
  let next = 0;
  let finished = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      for (const w of started) void w.terminate();
      reject(error);
    };
    const startWorker = () => {
      const worker = new Worker(bootstrap, { eval: true, execArgv: [] });
      started.push(worker);
      let current = -1;
      let retired = false;
      const takeNext = () => {
        if (next >= jobs.length) {
          retired = true;
          return void worker.terminate();
        }
        current = next++;
        const job: ToWorker = jobs[current]!;
        events.onStart(job.config);
        worker.postMessage(job);
      };
      worker.on("message", (message: FromWorker) => {
        if (message.type === "progress") return events.onProgress(jobs[current]!.config, message.progress);
        results[current] = message.result;
        events.onDone(message.result);
        if (++finished === jobs.length) resolve(results);
        takeNext();
      });
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (!retired) fail(new Error(`a compare worker exited (code ${code}) while checking ${jobs[current]?.config ?? "nothing"}`));
      });
      takeNext();
    };
    for (let i = 0; i < workers; i++) startWorker();
  });
}
