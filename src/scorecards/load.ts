/**
 * Reads the scorecard files of a folder (`WAYFINDER_SCORECARDS_DIR`): every `*.yaml` / `*.yml`, in name order, one
 * scorecard each. Every problem is reported with its file, line and column, key path and what was expected; a file with
 * problems is left out and the others load. A YAML syntax error is reported where it is, with what to do about it.
 * Given the day, an exemption whose `expires` has passed is a warning: it no longer applies, and the file still loads.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Document, type ErrorCode, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { parseScorecard, type Scorecard } from '../core/scorecards/format.ts';

/** The path of a problem of the file as a whole (its YAML). */
const FILE_PATH = '(file)';

export interface ScorecardFileProblem {
  file: string;
  /** 1-based, where in the file the problem is (the key, or the nearest part of its path that is written). */
  line?: number;
  column?: number;
  /** The key path (`rules[2].check.operator`), `(file)` for the file as a whole. */
  path: string;
  message: string;
}

/** A problem that does not keep the scorecard from loading, such as an expired exemption. */
export interface ScorecardFileWarning extends ScorecardFileProblem {
  scorecardId: string;
}

export interface LoadedScorecards {
  scorecards: Scorecard[];
  problems: ScorecardFileProblem[];
  /** Only when `today` was given: exemptions that have expired. */
  warnings: ScorecardFileWarning[];
  /** The files read, for messages. */
  files: string[];
}

/**
 * A folder that does not exist holds no scorecards (not an error: scorecards are optional). `today` (`YYYY-MM-DD`,
 * UTC) is the day expired exemptions are warned of; without it, none are.
 */
export async function loadScorecards(dir: string, opts: { today?: string } = {}): Promise<LoadedScorecards> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => /\.ya?ml$/i.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { scorecards: [], problems: [], warnings: [], files: [] };
    throw error;
  }
  const scorecards: Scorecard[] = [];
  const problems: ScorecardFileProblem[] = [];
  const warnings: ScorecardFileWarning[] = [];
  const files: string[] = [];
  const seen = new Map<string, { file: string; at: ReturnType<typeof positionOf> }[]>();
  for (const name of names) {
    const file = path.join(dir, name);
    files.push(file);
    const lineCounter = new LineCounter();
    const document = parseDocument(await readFile(file, 'utf8'), { lineCounter });
    const syntax = document.errors[0];
    if (syntax) {
      // Later syntax errors mostly follow from the first; the first is the one to fix.
      const position = syntax.linePos?.[0];
      problems.push({
        file,
        ...(position ? { line: position.line, column: position.col } : {}),
        path: FILE_PATH,
        message: `not valid YAML: ${syntaxSummary(syntax.message, syntax.code)}. ${syntaxAdvice(syntax.code)}`,
      });
      continue;
    }
    const at = (keys: readonly (string | number)[]) => positionOf(document, lineCounter, keys);
    let data: unknown;
    try {
      data = document.toJS();
    } catch (error) {
      problems.push({ file, path: FILE_PATH, message: `could not be read as YAML: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseScorecard(data);
    if (!parsed.ok) {
      problems.push(
        ...parsed.problems
          .map((problem) => ({ file, ...at(problem.keys), path: problem.path, message: problem.message }))
          .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
      );
      continue;
    }
    const { scorecard } = parsed;
    seen.set(scorecard.id, [...(seen.get(scorecard.id) ?? []), { file, at: at(['id']) }]);
    scorecards.push(scorecard);
    if (opts.today) {
      for (const [index, exemption] of scorecard.exemptions.entries()) {
        if (exemption.expires >= opts.today) continue;
        warnings.push({
          file,
          scorecardId: scorecard.id,
          ...at(['exemptions', index, 'expires']),
          path: `exemptions[${index}]`,
          message: `expired on ${exemption.expires}: ${exemption.entity} is scored on ${exemption.rule} again. Extend expires, or remove the exemption`,
        });
      }
    }
  }
  // An id two files use: neither loads, whatever the file names' order, and each file names the other.
  const shared = new Set([...seen].filter(([, users]) => users.length > 1).map(([id]) => id));
  for (const id of shared) {
    const users = seen.get(id) ?? [];
    for (const user of users) {
      const others = users.filter((other) => other !== user).map((other) => path.basename(other.file));
      problems.push({
        file: user.file,
        ...user.at,
        path: 'id',
        message: `id ${id} is also the id of ${others.join(', ')}; neither is loaded: expected each scorecard to have an id of its own (rename one)`,
      });
    }
  }
  problems.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
  return {
    scorecards: scorecards.filter((scorecard) => !shared.has(scorecard.id)),
    problems,
    warnings: warnings.filter((warning) => !shared.has(warning.scorecardId)),
    files,
  };
}

/** `scorecards/x.yaml:12:7: rules[2].check.operator: expected one of …`, the file relative to `cwd`. */
export function formatScorecardProblem(problem: ScorecardFileProblem, cwd: string): string {
  return `${whereOf(problem, cwd)}: ${aboutOf(problem)}`;
}

/** `scorecards/x.yaml:20:14: warning: exemptions[0]: expired on …`. */
export function formatScorecardWarning(warning: ScorecardFileWarning, cwd: string): string {
  return `${whereOf(warning, cwd)}: warning: ${aboutOf(warning)}`;
}

function whereOf(problem: ScorecardFileProblem, cwd: string): string {
  const file = path.relative(cwd, problem.file) || problem.file;
  return problem.line === undefined ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
}

function aboutOf(problem: ScorecardFileProblem): string {
  return problem.path === FILE_PATH ? problem.message : `${problem.path}: ${problem.message}`;
}

/** The first line of a YAML error, without the position it repeats (`… at line 3, column 8:`). */
function syntaxSummary(message: string, code: ErrorCode): string {
  if (code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document (a `---` line)';
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
}

/** What to do about a YAML syntax error, by its code. */
function syntaxAdvice(code: ErrorCode): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'Indent with spaces: YAML does not allow tabs.';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'A value that holds ": " must be quoted (title: "Tier: 1"); if it does not, the line below is indented too far.';
    case 'BAD_INDENT':
      return 'Check the indentation: the keys of one map start in the same column, and a [ or { opened here must be closed (] or }) on the same line or further in.';
    case 'MISSING_CHAR':
      return 'Close the quote or bracket opened here, or start the list item with "- " in line with the others.';
    case 'DUPLICATE_KEY':
      return 'A key is written twice in the same map: keep one.';
    case 'MULTIPLE_DOCS':
      return 'A scorecard file holds one scorecard: move what follows the `---` to a file of its own.';
    case 'BAD_SCALAR_START':
    case 'UNEXPECTED_TOKEN':
    case 'BLOCK_IN_FLOW':
    case 'BAD_DQ_ESCAPE':
      return 'Quote the value: a value that starts with one of @ ` | > % ! & * or holds ": " or " #" needs quotes.';
    default:
      return 'Fix the YAML at that place; quoting a value that holds special characters often helps.';
  }
}

/**
 * Where `keys` are written: the line and column of the key (or list item); for a key that is missing, those of the
 * deepest part of its path that is there (a missing `rules[0].fix` points at the rule).
 */
function positionOf(
  document: Document.Parsed,
  lineCounter: LineCounter,
  keys: readonly (string | number)[],
): { line?: number; column?: number } {
  let node: unknown = document.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0];
  for (const key of keys) {
    if (isSeq(node) && typeof key === 'number') {
      const item: unknown = node.items[key];
      if (!item) break;
      offset = (item as { range?: [number] }).range?.[0] ?? offset;
      node = item;
    } else if (isMap(node)) {
      const pair = node.items.find((candidate) => isScalar(candidate.key) && candidate.key.value === key);
      if (!pair || !isScalar(pair.key)) break;
      offset = pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else {
      break;
    }
  }
  if (offset === undefined) return {};
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
