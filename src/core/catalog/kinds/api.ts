/**
 * Backstage's `API` (`kinds/ApiEntityV1alpha1.ts`), with the spec types that have schemas of their own
 * (`McpServerApiEntity.ts`, `AiModelServerApiEntity.ts`).
 */
import { z } from 'zod';
import { OWNER } from '../messages.ts';
import { text } from './fields.ts';
import { BACKSTAGE_API_VERSIONS, IN_SYSTEM, type KindRules, OWNED_BY } from './kind-rules.ts';

/**
 * A string, or `$text` (the file's content as a string), as Backstage's API kind: a `$json` or `$yaml` placeholder
 * reads the file as data, an object, which Backstage refuses here; the message says so rather than offer them.
 */
const apiDefinition =
  'the API definition as a string, or a $text reference to a file ($json and $yaml are not accepted here)';
const apiDefinitionSchema = z.union([text(apiDefinition), z.strictObject({ $text: z.string() })], {
  error: apiDefinition,
});

const apiSpecSchema = z.looseObject({
  type: text('a string such as openapi, asyncapi, graphql or grpc'),
  lifecycle: text('a string such as production, experimental or deprecated'),
  owner: text(OWNER).optional(),
  definition: apiDefinitionSchema,
  system: text('a reference to a System, such as payments').optional(),
});

/**
 * `remotes` of the API spec types that expose endpoints instead of a definition (`mcp-server`, `ai-model-server`):
 * Backstage's `ApiRemote`, at least one, each with a transport type and a URL (for stdio transports a command).
 */
const REMOTES = 'a list of at least one remote, each with a type (such as streamable-http) and a url';
const remotesSchema = z
  .array(
    z.looseObject(
      {
        type: text('a string naming the transport, such as streamable-http, sse or stdio'),
        url: text('a string: the endpoint URL (for a stdio transport, the command)'),
      },
      { error: 'a mapping with a type and a url' },
    ),
    { error: REMOTES },
  )
  .min(1, { error: REMOTES });

/** `API.v1alpha1.mcp-server.schema.json` and `API.v1alpha1.ai-model-server.schema.json`: remotes, no definition. */
const remoteApiSpecSchema = z.looseObject({
  type: text('a string such as openapi, asyncapi, graphql or grpc'),
  lifecycle: text('a string such as production, experimental or deprecated'),
  owner: text(OWNER).optional(),
  remotes: remotesSchema,
  system: text('a reference to a System, such as payments').optional(),
});

export const apiKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: apiSpecSchema,
  specExpectation: 'an object with at least type, lifecycle and definition',
  refFields: [OWNED_BY, IN_SYSTEM],
  specTypes: {
    'mcp-server': {
      spec: remoteApiSpecSchema,
      specExpectation: 'an object with at least type, lifecycle and remotes',
      refFields: [OWNED_BY, IN_SYSTEM],
    },
    'ai-model-server': {
      spec: remoteApiSpecSchema,
      specExpectation: 'an object with at least type, lifecycle and remotes',
      refFields: [OWNED_BY, IN_SYSTEM],
    },
  },
};
