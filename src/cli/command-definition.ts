import type { Command } from "effect/cli"

/**
 * What every `audioml <command>` module exports: an effect/cli command whose requirements
 * the CLI's services (node-runtime.ts) provide. main.ts loads one on demand.
 */
// `any`: each command has its own name, flags and error type; main.ts only hands them to effect/cli.
export type CommandDefinition = Command.Command<any, any, any, any>
