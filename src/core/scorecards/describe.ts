/** The phrasing `/scorecard` and the digest share: level counts, a fix, a change. Pure. */
import { safeLink } from '../text.ts';
import type { Block, ListItem, Span } from '../view-model.ts';
import { text as plain, strong } from '../view-model.ts';
import type { Rule, Scorecard } from './format.ts';
import { type FixSuggestion, type LevelChange, levelCounts, levelName, type StoredResult } from './results.ts';

/** `Gold 2 · Silver 3 · Bronze 1 · below Bronze 4`, highest level first; counts from `levelCounts`. */
export function countsLine(scorecard: Scorecard, counts: readonly number[]): string {
  const parts = scorecard.levels.map((name, index) => `${name} ${counts[index + 1] ?? 0}`).reverse();
  parts.push(`${levelName(scorecard, -1)} ${counts[0] ?? 0}`);
  return parts.join(' · ');
}

/** `group:default/payments` → `group:payments`: what to type to name it again, whatever else shares its name. */
export function typedRef(ref: string): string {
  return ref.replace(/^([^:]+):default\//, '$1:');
}

/** `group:default/payments` → `payments`: how a team is named in lists. */
export function refName(ref: string): string {
  const [, rest = ref] = ref.split(':', 2);
  return rest.startsWith('default/') ? rest.slice('default/'.length) : rest;
}

/** How to fix a rule: its text, then its link when it is safe to show as one. */
export function fixSpans(rule: Rule): Span[] {
  return rule.fix.link ? [plain(`${rule.fix.text} `), safeLink('How to', rule.fix.link)] : [plain(rule.fix.text)];
}

export function fixItem(scorecard: Scorecard, fix: FixSuggestion): ListItem {
  const raise =
    fix.raises > 0
      ? `would raise ${fix.raises} ${fix.raises === 1 ? 'service' : 'services'} to ${fix.rule.level}`
      : `holds back ${fix.blocks} ${fix.blocks === 1 ? 'service' : 'services'} from ${fix.rule.level}`;
  return {
    text: [strong(fix.rule.title), plain(` (${scorecard.title}): ${raise}`)],
    detail: fixSpans(fix.rule),
  };
}

export function changeItem(scorecard: Scorecard, change: LevelChange): ListItem {
  const up = change.to > change.from;
  const rules = change.flipped.map((rule) => rule.title).join('; ');
  const detail = rules
    ? `${up ? 'now passes' : 'now fails'}: ${rules}`
    : up
      ? 'newly exempt or newly known'
      : 'facts it was scored on became unknown';
  return {
    text: [
      strong(change.entityName),
      plain(`: ${levelName(scorecard, change.from)} → ${levelName(scorecard, change.to)} (${scorecard.title})`),
    ],
    detail: [plain(detail)],
  };
}

/** One line per owning team (the entity's direct owner), most entities first; unowned entities last. */
export function perTeam(scorecard: Scorecard, results: readonly StoredResult[]): ListItem[] {
  const byTeam = new Map<string, StoredResult[]>();
  for (const result of results) {
    const key = result.ownerRef ?? '';
    byTeam.set(key, [...(byTeam.get(key) ?? []), result]);
  }
  return [...byTeam.entries()]
    .sort(([a, x], [b, y]) =>
      (a === '') !== (b === '') ? (a === '' ? 1 : -1) : y.length - x.length || a.localeCompare(b),
    )
    .map(([team, mine]) => ({
      text: [
        strong(team ? refName(team) : 'no owner'),
        plain(`: ${countsLine(scorecard, levelCounts(scorecard, mine))}`),
      ],
    }));
}

/** A scorecard's line of level counts over `results`, and the same per owning team: the org answer and digest. */
export function distributionBlocks(scorecard: Scorecard, results: readonly StoredResult[]): Block[] {
  return [
    {
      type: 'text',
      text: [strong(scorecard.title), plain(`: ${countsLine(scorecard, levelCounts(scorecard, results))}`)],
    },
    { type: 'list', title: 'By team', items: perTeam(scorecard, results) },
  ];
}
