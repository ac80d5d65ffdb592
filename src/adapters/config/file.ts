/**
 * @module Reading the network configuration from a file (Node), with errors
 * that name the file and the JSON Pointer at fault.
 */
import { readFileSync } from "node:fs";
import { ConfigError, loadNetwork, type Network } from "../../core/network/config.ts";
import { parseStrictJson } from "../../core/json/strict-json.ts";

export function loadNetworkFile(path: string): Network {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError("", `cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseStrictJson(text);
  } catch (error) {
    throw new ConfigError("", `${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return loadNetwork(document);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(error.pointer, error.reason, path);
    }
    throw error;
  }
}
