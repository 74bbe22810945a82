/**
 * Reads the scorecard files of a folder (`WAYFINDER_SCORECARDS_DIR`): every `*.yaml` / `*.yml`, in name order, one
 * scorecard each. Every problem is reported with its file, key path and what was expected; a file with problems is left
 * out and the others load.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseScorecard, type Scorecard } from '../core/scorecards/format.ts';

export interface ScorecardFileProblem {
  file: string;
  path: string;
  message: string;
}

export interface LoadedScorecards {
  scorecards: Scorecard[];
  problems: ScorecardFileProblem[];
  /** The files read, for messages. */
  files: string[];
}

/** A folder that does not exist holds no scorecards (not an error: scorecards are optional). */
export async function loadScorecards(dir: string): Promise<LoadedScorecards> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { scorecards: [], problems: [], files: [] };
    throw error;
  }
  const scorecards: Scorecard[] = [];
  const problems: ScorecardFileProblem[] = [];
  const files: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    files.push(file);
    let data: unknown;
    try {
      data = parseYaml(await readFile(file, 'utf8'));
    } catch (error) {
      problems.push({ file, path: '(file)', message: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    const parsed = parseScorecard(data);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((problem) => ({ file, ...problem })));
      continue;
    }
    const other = seen.get(parsed.scorecard.id);
    if (other) {
      problems.push({
        file,
        path: 'id',
        message: `id ${parsed.scorecard.id} is already used by ${other}; expected a unique id`,
      });
      continue;
    }
    seen.set(parsed.scorecard.id, file);
    scorecards.push(parsed.scorecard);
  }
  return { scorecards, problems, files };
}

/** `scorecards/x.yaml: rules[2].check.operator: expected one of …`, relative to `cwd`. */
export function formatScorecardProblem(problem: ScorecardFileProblem, cwd: string): string {
  return `${path.relative(cwd, problem.file) || problem.file}: ${problem.path}: ${problem.message}`;
}
