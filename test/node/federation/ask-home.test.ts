/** A visited gateway asking a token's home and reporting to it (spec §11.9) on Node. */
import { defineAskHomeSuite } from "../../support/ask-home-suite.ts";

defineAskHomeSuite();
