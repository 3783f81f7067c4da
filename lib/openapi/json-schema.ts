// zod schemas to the JSON Schemas (2020-12, OpenAPI 3.1's dialect) of the document's components.
// Requests are described as a client writes them (`io: 'input'`: before trimming, phone
// canonicalisation and other transforms), answers as the service writes them (`io: 'output'`).
import * as z from 'zod/mini';

export type JsonSchema = Record<string, unknown>;

export const schemaRef = (id: string): JsonSchema => ({ $ref: `#/components/schemas/${id}` });

/**
 * The schemas under their ids, each a component; a schema registered here and used inside another
 * becomes a `$ref` to its component. Properties get the description `notes` has for their name
 * (lib/openapi/texts.ts); `usedNotes` collects the names described.
 */
export function toComponents(
  entries: ReadonlyArray<readonly [id: string, schema: z.ZodMiniType]>,
  io: 'input' | 'output',
  notes: Readonly<Record<string, string>>,
  usedNotes: Set<string>,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}` });
  // A copy: zod hands one object to every use of a schema (phone and account share theirs).
  const copy = JSON.parse(JSON.stringify(schemas)) as Record<string, JsonSchema>;
  describeProperties(copy, notes, usedNotes);
  return Object.fromEntries(Object.entries(copy).map(([id, schema]) => [id, withoutIdentity(schema)]));
}

/** One schema on its own, such as an endpoint's headers. */
export function toJsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  return withoutIdentity(z.toJSONSchema(schema, { io }));
}

/** Every `properties` entry anywhere in `node` gets the note of its name. */
function describeProperties(node: unknown, notes: Readonly<Record<string, string>>, usedNotes: Set<string>): void {
  if (typeof node !== 'object' || node === null) return;
  const properties = (node as JsonSchema)['properties'];
  if (typeof properties === 'object' && properties !== null) {
    for (const [name, property] of Object.entries(properties as Record<string, JsonSchema>)) {
      const note = notes[name];
      if (note === undefined) continue;
      property['description'] ??= note;
      usedNotes.add(name);
    }
  }
  for (const child of Object.values(node)) describeProperties(child, notes, usedNotes);
}

// A component lives inside the document: its dialect is the document's and its address is its place.
function withoutIdentity(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
