/** Configuration rules of spec §5 (limits, timestamps), checked at load on Node. */
import { defineConfigRefusals } from "../../support/config-refusals.ts";

defineConfigRefusals();
