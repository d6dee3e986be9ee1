// The release-name-on-cancel row of the verdict table (properties/verdicts.ts).
import { describeVerdicts } from "./verdict-suite.ts";

describeVerdicts("release-name-on-cancel");
