/** The home's grants and the visited gateway's allowance (spec §11.5, §11.6, §11.9) on Node. */
import { defineFederationGrantSuite } from "../../support/federation-grants-suite.ts";

defineFederationGrantSuite();
