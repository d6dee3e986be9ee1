// The preallocated-status-release-name row of the verdict table (properties/verdicts.ts).
import { describeReleaseRow, describeSharedRow, describeVerdicts } from "./verdict-suite.ts";
import { kubeletVariants } from "../model/variants/kubelet.ts";

describeVerdicts("preallocated-status-release-name");
// The recommended fix on the shared layout too, with its default kubelet, and on containerd 1.7
// on both layouts: every cell, not only those that differ.
describeSharedRow("preallocated-status-release-name", kubeletVariants.find((k) => k.name === "99748")!);
describeReleaseRow("preallocated-status-release-name", kubeletVariants.find((k) => k.name === "99748")!, "1.7");
describeReleaseRow("preallocated-status-release-name", kubeletVariants.find((k) => k.name === "99748")!, "1.7", "shared");
