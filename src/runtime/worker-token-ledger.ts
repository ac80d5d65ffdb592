/**
 * @module The Worker's token object: the ledger's `TokenLedger` with the
 * reporting of a visited gateway (`spec/oct.md` §11.9) composed from the
 * configuration, so each token with held grants sends its own usage
 * reports from its alarm, as a Node gateway's reporting loop does.
 */
import {
  TokenLedger as LedgerObject,
  type GrantReporter,
} from "../adapters/ledger/durable-object/token-ledger.ts";
import { VisitedGrants } from "../core/federation/visited-service.ts";
import { workerServices, type Env, type WorkerServices } from "./worker-services.ts";

export class TokenLedger extends LedgerObject {
  /** Built once per configuration: its pause after a failed home lasts across turns. */
  private reporter: { services: WorkerServices; visited: VisitedGrants | undefined } | undefined;

  protected override grantReporter(): GrantReporter | undefined {
    let services: WorkerServices;
    try {
      services = workerServices(this.env as Env);
    } catch {
      // A configuration that does not load: the Worker refuses every request, nothing to report.
      return undefined;
    }
    if (this.reporter?.services !== services) {
      const link = services.homeLink;
      this.reporter = {
        services,
        visited: link
          ? new VisitedGrants({
              ...link,
              ledger: this.ledger,
              log: (message) => console.log(message),
            })
          : undefined,
      };
    }
    return this.reporter.visited;
  }
}
