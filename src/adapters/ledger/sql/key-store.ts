/**
 * @module The generated receipt key, kept in SQL so that every process and
 * every restart signs with the same key.
 */
import type { PrivateJwk } from "../../../core/signing/keys.ts";
import type { GeneratedKeyStore } from "../../receipt-keys/receipt-keys.ts";
import type { SqlDriver } from "./driver.ts";

export class SqlKeyStore implements GeneratedKeyStore {
  private readonly sql: SqlDriver;

  constructor(sql: SqlDriver) {
    this.sql = sql;
  }

  async get(): Promise<PrivateJwk | undefined> {
    const row = this.sql.all("SELECT jwk FROM gateway_keys WHERE slot = 'receipt'")[0];
    return row ? (JSON.parse(String(row.jwk)) as PrivateJwk) : undefined;
  }

  async putIfAbsent(key: PrivateJwk): Promise<PrivateJwk> {
    // Two processes starting together: the first insert wins, both use it.
    await this.sql.transaction(() =>
      this.sql.run(
        "INSERT OR IGNORE INTO gateway_keys (slot, jwk) VALUES ('receipt', ?)",
        JSON.stringify(key),
      ),
    );
    return (await this.get())!;
  }
}
