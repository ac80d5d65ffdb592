/** A home's checks before its ledger, and grants as each side shows them (spec §11.5-§11.8), on Node. */
import { defineHomeRequestSuite } from "../../support/home-requests-suite.ts";

defineHomeRequestSuite();
