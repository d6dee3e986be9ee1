// The long-term row of the verdict table (properties/verdicts.ts).
import { describeVerdicts } from "./verdict-suite.ts";

describeVerdicts("long-term");
