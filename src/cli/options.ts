// Shared option parsers: bad values fail with the option's name and what was expected.
import { type Command, InvalidArgumentError } from 'commander';

export function parseIntOption(name: string, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `in [${min}, ${max}]`;
      throw new InvalidArgumentError(`${name} must be an integer ${range}, got '${value}'`);
    }
    return n;
  };
}

export function parseFloatOption(name: string, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got '${value}'`);
    return n;
  };
}

/** The --base option of every command that takes a model folder (which may be a PEFT adapter folder). */
export const BASE_HELP =
  "for a PEFT adapter folder (adapter_config.json): its base model folder (default: the adapter's base_model_name_or_path)";

/** The options of a parsed command whose positional arguments are folders (`dirs`). */
export const readFoldersOptions = <T extends { dirs: string[] } = { dirs: string[]; out: string }>(cmd: Command): T =>
  ({ ...cmd.opts(), dirs: cmd.processedArgs[0] as string[] }) as unknown as T;
