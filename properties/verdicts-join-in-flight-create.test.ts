// The join-in-flight-create row of the verdict table (properties/verdicts.ts).
import { describeVerdicts } from "./verdict-suite.ts";

describeVerdicts("join-in-flight-create");
