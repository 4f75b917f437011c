import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import ts from 'typescript';

export type JsonSchema = { [key: string]: unknown };

/** An interface exported by one of the `stripe` package's resource declaration files. */
export interface StripeType {
	/** Relative to the package's `esm/resources/`, e.g. `Charges.d.ts`. */
	file: string;
	name: string;
}

/**
 * JSON Schemas for Stripe objects, read from the declarations the installed `stripe` package ships
 * (Stripe generates them from its OpenAPI spec, whose version the package records). A property
 * without `?` must be present (null where the type allows it), and a property the type does not
 * name is refused, so the schemas move with every `stripe` upgrade.
 */
export function stripeTypeSchemas(types: StripeType[]) {
	const resources = join(dirname(createRequire(import.meta.url).resolve('stripe')), 'resources');
	const files = [...new Set(types.map((type) => join(resources, type.file)))];
	const program = ts.createProgram(files, {
		strict: true,
		skipLibCheck: true,
		noEmit: true,
		types: []
	});
	const checker = program.getTypeChecker();
	const definitions: Record<string, JsonSchema> = {};
	const named = new Map<ts.Type, string>();

	function convert(type: ts.Type): JsonSchema {
		if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
		if (type.flags & ts.TypeFlags.Null) return { type: 'null' };
		if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
		if (type.flags & ts.TypeFlags.BooleanLiteral)
			return { const: checker.typeToString(type) === 'true' };
		if (type.flags & ts.TypeFlags.StringLike) return { type: 'string' };
		if (type.flags & ts.TypeFlags.NumberLike) return { type: 'number' };
		if (type.flags & ts.TypeFlags.BooleanLike) return { type: 'boolean' };
		if (type.isUnion()) {
			const members = type.types.filter((member) => !(member.flags & ts.TypeFlags.Undefined));
			if (members.every((member) => member.flags & ts.TypeFlags.BooleanLiteral))
				return { type: 'boolean' };
			// `string | Customer`: an expandable reference. Unexpanded it is the id; the object it
			// expands to is a resource of its own, checked on its own, so its schema is not inlined.
			const expandable = members.some((member) => member.flags & ts.TypeFlags.String);
			const schemas = members.map((member) =>
				expandable && member.flags & ts.TypeFlags.Object ? { type: 'object' } : convert(member)
			);
			return schemas.length === 1 ? schemas[0] : { anyOf: schemas };
		}
		if (checker.isArrayType(type)) {
			const [item] = checker.getTypeArguments(type as ts.TypeReference);
			return { type: 'array', items: convert(item) };
		}
		// `Stripe.Decimal` is a class in the client; on the wire it is a decimal string.
		if (/^Decimal(Impl)?$/.test(type.getSymbol()?.name ?? '')) return { type: 'string' };
		if (type.flags & ts.TypeFlags.Object) return { $ref: `#/definitions/${define(type)}` };
		return {};
	}

	function define(type: ts.Type): string {
		const known = named.get(type);
		if (known) return known;
		const base = checker.typeToString(type).replace(/[^\w.]+/g, '_');
		let name = base;
		for (let n = 2; name in definitions; n++) name = `${base}_${n}`;
		named.set(type, name);
		definitions[name] = {};
		const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
		if (index) {
			definitions[name] = { type: 'object', additionalProperties: convert(index.type) };
			return name;
		}
		const properties: Record<string, JsonSchema> = {};
		const required: string[] = [];
		for (const property of checker.getPropertiesOfType(type)) {
			const propertyType = checker.getTypeOfSymbol(property);
			if (propertyType.getCallSignatures().length > 0) continue;
			properties[property.name] = convert(propertyType);
			if (!(property.flags & ts.SymbolFlags.Optional)) required.push(property.name);
		}
		definitions[name] = { type: 'object', properties, required, additionalProperties: false };
		return name;
	}

	const roots: Record<string, string> = {};
	for (const { file, name } of types) {
		const source = program.getSourceFile(join(resources, file));
		const symbol = source && checker.getSymbolAtLocation(source);
		const exported = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === name);
		if (!exported) throw new Error(`stripe declares no ${name} in ${file}`);
		roots[name] = define(checker.getDeclaredTypeOfSymbol(exported));
	}
	return { definitions, roots };
}
