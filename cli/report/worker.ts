// Worker thread of the design review: checks the configurations the pool sends it, one at a
// time, reporting progress (throttled: a message per scenario would cost more than the run).
import { parentPort } from "node:worker_threads";
import { setAutoFreeze } from "immer";
import { checkConfig, type ConfigJob, type ConfigVerdicts, type JobProgress } from "./check-config.ts";
import { stepOnOwnCopies } from "../../properties/run.ts";

export type ToWorker = ConfigJob;
export type FromWorker = { type: "progress"; progress: JobProgress } | { type: "done"; result: ConfigVerdicts };

const port = parentPort;
if (!port) throw new Error("cli/report/worker.ts runs only as a worker thread");

const progressEvery = 50;

// A worker has its own immer and run loop: unfrozen and stepping on own copies as in the main thread (cli/main.ts).
setAutoFreeze(false);
stepOnOwnCopies(true);

port.on("message", (job: ToWorker) => {
  const post = (message: FromWorker) => port.postMessage(message);
  const result = checkConfig(job, (progress) => {
    if (progress.runs % progressEvery === 0) post({ type: "progress", progress });
  });
  post({ type: "done", result });
});
