/** The fetch PeerClient (spec §5.10) inside workerd, over a fake fetch. */
import { definePeerClientSuite } from "../support/peer-client-suite.ts";

definePeerClientSuite();
