/** Documents between gateways (spec §11.3, §11.4) inside workerd. */
import { defineFederationDocumentSuite } from "../support/federation-documents-suite.ts";

defineFederationDocumentSuite();
