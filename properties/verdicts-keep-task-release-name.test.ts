// The keep-task-release-name row of the verdict table (properties/verdicts.ts).
import { describeReleaseRow, describeSharedRow, describeVerdicts } from "./verdict-suite.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";

describeVerdicts("keep-task-release-name");
// Our proposal on the shared layout too, with its default kubelet: what it holds there.
describeSharedRow("keep-task-release-name", kubeletVariants.find((k) => k.name === "99748")!);
// And on containerd 1.7: every cell as on 1.6 (its kept stopped task is deleted at a restart
// all the same, a marked loss: traces/keep-task-exit-lost-on-1.7.json).
describeReleaseRow("keep-task-release-name", kubeletVariants.find((k) => k.name === "99748")!, "1.7");
