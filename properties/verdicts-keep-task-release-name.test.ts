// The keep-task-release-name row of the verdict table (properties/verdicts.ts).
import { describeSharedRow, describeVerdicts } from "./verdict-suite.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";

describeVerdicts("keep-task-release-name");
// Our proposal on the shared layout too, with its default kubelet: what it holds there.
describeSharedRow("keep-task-release-name", kubeletVariants.find((k) => k.name === "99748")!);
