/**
 * @module TypeScript types from JSON Schemas (json-schema-to-typescript),
 * one name per shared definition. Compiled as one document, every `$ref`
 * to a shared `$defs` entry or to another schema file was inlined and named
 * again (`Quantity1` … `Quantity12`); here each reference becomes the name
 * of its target instead (`tsType`), each definition of `common.schema.json`
 * and each schema file is declared once under its own name, and two
 * different declarations of one name fail the generator.
 */
import { compile } from "json-schema-to-typescript";
import { pascalCase } from "./examples.ts";
import { SpecFileError, type SchemaFile } from "./spec-files.ts";

type Json = Record<string, unknown>;

const COMMON = "common.schema.json";

/**
 * The TypeScript name of a definition, as json-schema-to-typescript names a
 * title: "Error code" → ErrorCode, "SHA-256 digest (base64url)" → SHA256DigestBase64Url.
 */
const nameOf = (title: string) =>
  title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join("")
    .replace(/(\d)([a-z])/g, (_, digit: string, letter: string) => digit + letter.toUpperCase());

/** A definition that only constrains (if/then rules) and says nothing a type can hold. */
const onlyConstrains = (schema: Json | undefined) =>
  !!schema &&
  (schema.type === undefined || schema.type === "object") &&
  !["properties", "enum", "const", "items", "anyOf", "oneOf", "$ref"].some(
    (keyword) => keyword in schema,
  );

const COMBINATORS = new Set(["allOf", "anyOf", "oneOf"]);

/** The JSON node at a JSON Pointer fragment (`/properties/status`). */
function at(document: Json, pointer: string): Json | undefined {
  let node: unknown = document;
  for (const token of pointer.split("/").slice(1)) {
    node = (node as Json | undefined)?.[token.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node as Json | undefined;
}

/**
 * A copy of `schema` in which every reference to another file, or to a
 * definition of `common.schema.json`, names its TypeScript type; a
 * reference into another file's properties (an enum) is inlined.
 */
function withNamedReferences(schema: unknown, file: string, files: Map<string, Json>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withNamedReferences(item, file, files));
  if (schema === null || typeof schema !== "object") return schema;
  const node = schema as Json;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref") continue;
    const converted = withNamedReferences(value, file, files);
    // A rule-only member of allOf (e.g. the key-type rules of a JWK) adds no type.
    if (COMBINATORS.has(key) && Array.isArray(converted)) {
      const typed = converted.filter((member) => Object.keys(member as Json).length > 0);
      if (typed.length > 0) copy[key] = typed;
    } else copy[key] = converted;
  }
  if (typeof node.$ref !== "string") return copy;
  const [target = "", fragment = ""] = node.$ref.split("#");
  const targetFile = target === "" ? file : target;
  const document = files.get(targetFile);
  if (!document) throw new SpecFileError(file, "", `unresolved reference ${node.$ref}`);
  if (fragment === "" || fragment === "/") {
    copy.tsType = pascalCase(targetFile.replace(/\.schema\.json$/, ""));
  } else if (targetFile === COMMON && /^\/\$defs\/[^/]+$/.test(fragment)) {
    const definition = at(document, fragment);
    if (onlyConstrains(definition)) return copy;
    copy.tsType = nameOf(String(definition?.title));
  } else if (targetFile === file) {
    copy.$ref = node.$ref; // a local definition: json-schema-to-typescript names it
  } else {
    const inlined = at(document, fragment);
    if (!inlined) throw new SpecFileError(file, "", `unresolved reference ${node.$ref}`);
    const { description: _description, ...rest } = withNamedReferences(
      inlined,
      targetFile,
      files,
    ) as Json;
    Object.assign(copy, rest, node.description ? { description: node.description } : {});
  }
  return copy;
}

const OPTIONS = {
  bannerComment: "",
  additionalProperties: false,
  // Arrays stay arrays: `minItems`/`maxItems` would expand into tuple unions.
  maxItems: -1,
  format: true,
  style: { printWidth: 100 },
} as const;

/**
 * The types module of a set of schema files: each file as the PascalCase of
 * its name (`token-claims` → `TokenClaims`, whatever its title says), each
 * definition of `common.schema.json` under its title.
 */
export async function typesOf(schemas: readonly SchemaFile[], baseUri: string): Promise<string> {
  const files = new Map(schemas.map((f) => [f.file, f.schema]));
  const common = schemas.find((f) => f.file === COMMON);
  const definitions = Object.values((common?.schema.$defs ?? {}) as Record<string, Json>);
  const named = new Map<string, Json>();
  for (const f of schemas) {
    if (f.file === COMMON) continue;
    const schema = withNamedReferences(f.schema, f.file, files) as Json;
    named.set(`${baseUri}${f.file}`, { ...schema, title: pascalCase(f.name) });
  }
  definitions.forEach((definition, i) => {
    const schema = withNamedReferences(definition, COMMON, files) as Json;
    if (onlyConstrains(definition)) return;
    const name = nameOf(String(definition.title));
    named.set(`${baseUri}common/${i}.json`, { ...schema, title: name });
  });
  // One document referring to every file and every shared definition, so
  // each is declared once; the root itself is dropped from the output.
  const root = {
    title: "OctSchemas",
    type: "object",
    additionalProperties: false,
    properties: Object.fromEntries([...named.keys()].map((id, i) => [`t${i}`, { $ref: id }])),
  };
  const ts = await compile(root as never, "OctSchemas", {
    ...OPTIONS,
    $refOptions: {
      resolve: {
        file: false,
        http: {
          order: 1,
          canRead: (f: { url: string }) => f.url.startsWith(baseUri),
          read: (f: { url: string }) => {
            const schema = named.get(f.url) ?? named.get(f.url.split("#")[0]!);
            if (!schema) throw new Error(`gen: unresolved reference ${f.url}`);
            return JSON.stringify(schema);
          },
        },
      },
    },
  } as never);
  return inlineNumberedParts(ts.replace(/export interface OctSchemas \{[^}]*\}\n/, ""));
}

/**
 * json-schema-to-typescript splits a titled schema with `anyOf` beside its
 * `properties` into numbered parts (`Carrier = Carrier1 & Carrier2`); the
 * parts are written back in place, so no numbered name is exported.
 */
function inlineNumberedParts(ts: string): string {
  const declarations = ts.split(/\n(?=\/\*\*|export )/);
  const names = new Set(
    declarations.map(
      (d) => /^(?:\/\*\*[\s\S]*?\*\/\n)?export (?:interface|type) (\w+)/.exec(d)?.[1],
    ),
  );
  const parts = new Map<string, string>();
  const kept: string[] = [];
  for (const declaration of declarations) {
    const match = /^(?:\/\*\*[\s\S]*?\*\/\n)?export (interface|type) ((\w+?)\d+)\b/.exec(
      declaration,
    );
    if (match && names.has(match[3])) {
      const body = declaration.slice(declaration.indexOf(match[2]!) + match[2]!.length);
      parts.set(
        match[2]!,
        match[1] === "interface" ? body.trim() : body.replace(/^\s*=\s*/, "").replace(/;\s*$/, ""),
      );
    } else kept.push(declaration);
  }
  let out = kept.join("\n");
  for (const [name, body] of parts) {
    out = out.replace(new RegExp(`\\b${name} & ${name}\\b`, "g"), name);
    out = out.replace(new RegExp(`\\b${name}\\b`, "g"), `(${body})`);
  }
  if (
    /export (?:interface|type) \w+\d+\b/.test(out) ||
    [...parts.keys()].some((n) => out.includes(n))
  )
    throw new Error("gen: a numbered type is left in the generated types");
  return out;
}
