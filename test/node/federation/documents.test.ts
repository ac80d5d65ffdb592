/** Documents between gateways (spec §11.3, §11.4) on Node. */
import { defineFederationDocumentSuite } from "../../support/federation-documents-suite.ts";

defineFederationDocumentSuite();
