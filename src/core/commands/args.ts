import type { z } from 'zod';

/** Words and `--flag [value]` options of a command's text. `--flag=value` works too. */
export interface ParsedArgs {
  words: string[];
  options: Map<string, string | true>;
}

export function splitArgs(args: string, valueOptions: readonly string[]): ParsedArgs {
  const tokens = args.trim().split(/\s+/).filter(Boolean);
  const words: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (!token.startsWith('--')) {
      words.push(token);
      continue;
    }
    const [flag, inline] = token.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) options.set(flag, inline);
    else if (valueOptions.includes(flag) && tokens[i + 1] !== undefined) options.set(flag, tokens[++i] as string);
    else options.set(flag, true);
  }
  return { words, options };
}

/** The first problem zod found, as one sentence naming the option. */
export function describeIssue(error: z.ZodError, name: string): string {
  const issue = error.issues[0];
  return `${name}: ${issue?.message ?? 'is not valid'}`;
}
