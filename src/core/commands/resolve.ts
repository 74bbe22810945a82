import { kindLabel, shortName, titleOf } from '../catalog/facts.ts';
import type { EntityRecord, NameResolution } from '../ports.ts';
import type { Button, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import type { CommandContext } from './types.ts';

export const SUGGESTIONS = 5;

export type Resolved = { entity: EntityRecord; message?: never } | { entity?: never; message: Message };

/**
 * Finds the entity a person named, or explains why not: an unknown name answers with the closest names as
 * buttons that run the same command; an ambiguous one lists the candidates by their full refs.
 */
export async function resolveEntity(context: CommandContext, command: string, name: string): Promise<Resolved> {
  return explainResolution(
    command,
    name,
    await context.store.resolveName({ text: name, suggestionLimit: SUGGESTIONS }),
  );
}

/** The entity a resolution found, or the answer that explains why there is none. */
export function explainResolution(command: string, name: string, resolution: NameResolution): Resolved {
  switch (resolution.status) {
    case 'found':
      return { entity: resolution.entity };
    case 'ambiguous':
      return { message: ambiguousAnswer(command, name, resolution.candidates) };
    case 'missing':
      return { message: missingAnswer(command, name, resolution.suggestions) };
  }
}

function ambiguousAnswer(command: string, name: string, candidates: readonly EntityRecord[]): Message {
  return {
    summary: `"${name}" names ${candidates.length} entities; pick one.`,
    command: `/${command} ${name}`,
    blocks: [
      { type: 'text', text: [strong(name), plain(` names ${candidates.length} entities. Which one did you mean?`)] },
      {
        type: 'list',
        items: candidates.map((candidate) => ({
          text: [code(candidate.ref)],
          detail: [plain(`${kindLabel(candidate)} · ${titleOf(candidate)}`)],
        })),
      },
      { type: 'actions', buttons: candidates.slice(0, 25).map((candidate) => runButton(command, candidate.ref)) },
    ],
  };
}

function missingAnswer(command: string, name: string, suggestions: readonly EntityRecord[]): Message {
  const blocks: Message['blocks'][number][] = [
    { type: 'text', text: [plain('No entity named '), strong(name), plain('.')] },
  ];
  if (suggestions.length > 0) {
    blocks.push({ type: 'context', text: [plain('Did you mean one of these?')] });
    blocks.push({
      type: 'actions',
      buttons: suggestions.map((entity) => runButton(command, suggestionName(entity, suggestions))),
    });
  } else {
    blocks.push({
      type: 'context',
      text: [plain('Nothing is close. Search descriptions and tags with '), code(`/find ${name}`)],
    });
  }
  return {
    summary: `No entity named ${name}.${suggestions.length > 0 ? ` Closest: ${suggestions.map((s) => s.name).join(', ')}.` : ''}`,
    command: `/${command} ${name}`,
    blocks,
  };
}

/** The shortest text that names `entity` unambiguously among the suggestions. */
function suggestionName(entity: EntityRecord, all: readonly EntityRecord[]): string {
  const short = shortName(entity);
  return all.some((other) => other !== entity && shortName(other) === short) ? entity.ref : short;
}

function runButton(command: string, name: string): Button {
  return { label: name, action: 'run', command: `/${command} ${name}` };
}

/** The answer to a command typed without its argument. */
export function usageAnswer(command: string, usage: string, example: string): Message {
  return {
    summary: `Usage: /${command} ${usage}`,
    blocks: [
      { type: 'text', text: [plain('Usage: '), code(`/${command} ${usage}`)] },
      { type: 'context', text: [plain('For example '), code(example)] },
    ],
  };
}
