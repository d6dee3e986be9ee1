// The short-term row of the verdict table (properties/verdicts.ts).
import { describeVerdicts } from "./verdict-suite.ts";

describeVerdicts("short-term");
