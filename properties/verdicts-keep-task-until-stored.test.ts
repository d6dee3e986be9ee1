// The keep-task-until-stored row of the verdict table (properties/verdicts.ts).
import { describeVerdicts } from "./verdict-suite.ts";

describeVerdicts("keep-task-until-stored");
