/**
 * @module What machine the figures come from: they mean nothing without it.
 * The load average tells whether something else was running at the start.
 */
import os from "node:os";
import { availableParallelism } from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memory_gib: number;
  node: string;
  os: string;
  arch: string;
  load_average_at_start: number[];
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    load_average_at_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
