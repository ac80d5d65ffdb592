/** Configuration rules of spec §5 (limits, timestamps), checked at load inside workerd. */
import { defineConfigRefusals } from "../support/config-refusals.ts";

defineConfigRefusals();
