/** The envelope every kind shares: apiVersion, kind, metadata (Backstage's FieldFormatEntityPolicy) and spec. */
import { z } from 'zod';
import { formatted, text } from './kinds/fields.ts';
import {
  ANNOTATION_VALUE,
  API_VERSION,
  DOCUMENT,
  KEY,
  KIND,
  LABEL_VALUE,
  NAME,
  NAMESPACE,
  NON_EMPTY,
  TAG,
} from './messages.ts';
import {
  isValidAnnotationKey,
  isValidApiVersion,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidObjectName,
  isValidTag,
} from './refs.ts';

const linkSchema = z.looseObject(
  {
    url: formatted(isValidUrl, 'a string that is a valid url'),
    // FieldFormatEntityPolicy checks a link title with CommonValidatorFunctions.isValidString: blank is not a title.
    title: formatted(isValidString, NON_EMPTY).optional(),
    icon: formatted(isValidObjectName, NAME).optional(),
    type: z.string({ error: 'a string' }).optional(),
  },
  { error: 'a mapping with a url' },
);

const metadataSchema = z.looseObject(
  {
    name: formatted(isValidObjectName, NAME),
    namespace: formatted(isValidNamespace, NAMESPACE).optional(),
    title: text(NON_EMPTY).optional(),
    description: z.string({ error: 'a string' }).optional(),
    labels: z
      .record(formatted(isValidLabelKey, KEY), formatted(isValidLabelValue, LABEL_VALUE), {
        error: 'a mapping of label keys to values',
      })
      .optional(),
    annotations: z
      .record(formatted(isValidAnnotationKey, KEY), z.string({ error: ANNOTATION_VALUE }), {
        error: 'a mapping of annotation keys to string values',
      })
      .optional(),
    tags: z.array(formatted(isValidTag, TAG), { error: 'a list of tags' }).optional(),
    links: z.array(linkSchema, { error: 'a list of links, each with a url' }).optional(),
  },
  { error: 'a mapping with at least a name' },
);

/** The envelope of every kind. Unknown root keys are rejected, as Backstage's NoForeignRootFieldsEntityPolicy does. */
export const envelopeSchema = z.strictObject(
  {
    apiVersion: formatted(isValidApiVersion, API_VERSION),
    kind: formatted(isValidKind, KIND),
    metadata: metadataSchema,
    spec: z.record(z.string(), z.unknown(), { error: 'an object' }).optional(),
    relations: z.unknown().optional(),
    status: z.unknown().optional(),
  },
  { error: DOCUMENT },
);

function isValidUrl(value: string): boolean {
  return URL.canParse(value);
}

/** Backstage's `CommonValidatorFunctions.isValidString`: a string with something other than whitespace. */
function isValidString(value: string): boolean {
  return value.trim().length >= 1;
}
