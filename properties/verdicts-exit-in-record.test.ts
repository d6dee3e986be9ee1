// The exit-in-record row of the verdict table (properties/verdicts.ts).
import { describeVerdicts } from "./verdict-suite.ts";

describeVerdicts("exit-in-record");
