import type Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgTestDatabase, type PgTestDatabase, usePgTestDatabase } from '../../db/pg/testing';
import { openDatabase } from '../../db/index';
import { createTestLedger } from '../testing/ledger';
import { copyLedger } from './testing';

const ledgerTables = ['accounts', 'holds', 'transfers', 'lots', 'allocations'];
const appTables = [
	'users',
	'sessions',
	'stripe_prices',
	'purchases',
	'stripe_events',
	'audit_log',
	'webhook_endpoints',
	'webhook_messages',
	'webhook_attempts',
	'api_keys',
	'api_responses',
	'transfer_metadata'
];
const tables = [...ledgerTables, ...appTables];
const views = ['draws', 'lots_now'];

type Column = {
	name: string;
	type: string;
	notNull: boolean;
	default: string | null;
};
type Index = { table: string; unique: boolean; columns: (string | null)[]; where: string | null };
/** Each table's unique keys: its unique indexes without a WHERE (a UNIQUE constraint's included). */
function withUniqueKeys(shapes: Record<string, TableShape>, indexes: Record<string, Index>) {
	return Object.fromEntries(
		Object.entries(shapes).map(([table, shape]) => [
			table,
			{
				...shape,
				columns: [...shape.columns].sort((a, b) => (a.name < b.name ? -1 : 1)),
				unique: Object.values(indexes)
					.filter((index) => index.table === table && index.unique && index.where === null)
					.map((index) => index.columns.join(', '))
					.sort()
			}
		])
	);
}

type TableShape = {
	columns: Column[];
	primaryKey: string[];
	foreignKeys: string[];
	checks: Record<string, string>;
};

/**
 * A CHECK or predicate as both backends can be compared on: PostgreSQL prints `x IN ('a', 'b')` as
 * `x = ANY (ARRAY['a'::text, 'b'::text])` and adds casts and parentheses; SQLite's transfer code CHECK is
 * written as equalities (ledger/schema.ts). Both become `x in 'a', 'b'`, without parentheses.
 */
function normalise(expression: string) {
	return expression
		.toLowerCase()
		.replace(/::[a-z_]+(\[\])?/g, '')
		.replace(/= any \(array\[(.*?)\]\)/g, 'in ($1)')
		.replace(/[()]/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(
			/(\w+) = ('[^']*'|\w+)((?: or \1 = (?:'[^']*'|\w+))+)/g,
			(_, column: string, first: string, rest: string) =>
				`${column} in ${[first, ...rest.split(` or ${column} = `).slice(1)].join(', ')}`
		);
}

/** int4 only for these (counts, HTTP statuses, 0/1 flags); every other integer is int8, as on SQLite. */
const int4Columns = [
	'stripe_events.attempts',
	'webhook_endpoints.enabled',
	'webhook_messages.attempts',
	'webhook_messages.attempt_limit',
	'webhook_attempts.attempt',
	'webhook_attempts.duration_ms',
	'webhook_attempts.response_status',
	'webhook_attempts.delivered',
	'api_responses.status'
];

/**
 * The SQLite type that stores what a PostgreSQL column stores: both must hold the same values, since
 * the app's SQLite table objects run on both (db/pg/app-schema.ts). Any other type (timestamptz,
 * boolean, jsonb, an int4 not listed…) stays itself and so matches no SQLite column.
 */
function pgType(table: string, column: string, type: string) {
	if (type === 'bigint') return 'integer';
	if (type === 'integer') return int4Columns.includes(`${table}.${column}`) ? 'integer' : 'int4';
	if (type === 'text') return 'text';
	if (type === 'bytea') return 'blob';
	return type;
}

// "Now" as each backend writes it by default: SQLite's ms, and PostgreSQL's floored to the same ms.
const statementTime = [
	normalise(`(unixepoch('subsec') * 1000)`),
	normalise(`(floor((EXTRACT(epoch FROM statement_timestamp()) * (1000)::numeric)))::bigint`)
];

/** A column default as both backends mean it; SQLite stores `true` as 1. */
function defaultOf(expression: string | null) {
	if (expression === null) return null;
	const normalised = normalise(expression);
	if (statementTime.includes(normalised)) return 'the time of the statement, in ms';
	return normalised === 'true' ? '1' : normalised === 'false' ? '0' : normalised;
}

function sqliteSchema(sqlite: Database.Database) {
	const shapes: Record<string, TableShape> = {};
	const indexes: Record<string, Index> = {};
	for (const table of tables) {
		const info = sqlite.prepare(`PRAGMA table_info(${table})`).all() as {
			name: string;
			type: string;
			notnull: number;
			dflt_value: string | null;
			pk: number;
		}[];
		const list = sqlite.prepare(`PRAGMA index_list(${table})`).all() as {
			name: string;
			unique: number;
			origin: string;
			partial: number;
		}[];
		const columnsOf = (index: string) =>
			(
				sqlite.prepare(`PRAGMA index_xinfo(${index})`).all() as {
					key: number;
					name: string | null;
				}[]
			)
				.filter((column) => column.key === 1)
				.map((column) => column.name);
		const source = sqlite
			.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`)
			.pluck()
			.get(table) as string;
		shapes[table] = {
			columns: info.map((column) => ({
				name: column.name,
				type: column.type.toLowerCase(),
				// An INTEGER PRIMARY KEY is the rowid: never null, whatever table_info says.
				notNull: column.notnull === 1 || column.pk > 0,
				default: defaultOf(column.dflt_value)
			})),
			primaryKey: info
				.filter((column) => column.pk > 0)
				.sort((a, b) => a.pk - b.pk)
				.map((column) => column.name),
			foreignKeys: (
				sqlite.prepare(`PRAGMA foreign_key_list(${table})`).all() as {
					table: string;
					from: string;
					to: string;
				}[]
			)
				.map((key) => `${key.from} -> ${key.table}.${key.to}`)
				.sort(),
			checks: checksOf(source)
		};
		for (const index of list.filter((index) => index.origin !== 'pk')) {
			const sql = sqlite
				.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`)
				.pluck()
				.get(index.name) as string;
			indexes[index.name] = {
				table,
				unique: index.unique === 1,
				columns: columnsOf(index.name),
				where: index.partial ? normalise(sql.slice(sql.indexOf(' WHERE ') + 7)) : null
			};
		}
	}
	const viewColumns = Object.fromEntries(
		views.map((view) => [
			view,
			(sqlite.prepare(`PRAGMA table_info(${view})`).all() as { name: string }[]).map((c) => c.name)
		])
	);
	return { shapes: withUniqueKeys(shapes, indexes), indexes, viewColumns };
}

/** The named CHECKs of a CREATE TABLE, each expression read to its balancing parenthesis. */
function checksOf(source: string): Record<string, string> {
	const checks: Record<string, string> = {};
	for (const match of source.matchAll(/CONSTRAINT "(\w+)" CHECK\(/g)) {
		let depth = 1;
		let end = match.index + match[0].length;
		for (; depth > 0; end++) depth += source[end] === '(' ? 1 : source[end] === ')' ? -1 : 0;
		checks[match[1]] = normalise(source.slice(match.index + match[0].length, end - 1));
	}
	return checks;
}

async function pgSchema(pool: pg.Pool) {
	const shapes: Record<string, TableShape> = {};
	for (const table of tables) {
		const columns = await pool.query<{
			name: string;
			type: string;
			nullable: string;
			default: string | null;
		}>(
			`SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS default
			FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
			[table]
		);
		const constraints = await pool.query<{
			name: string;
			type: string;
			columns: string[];
			target: string | null;
			targetColumns: string[] | null;
			definition: string;
		}>(
			`SELECT c.conname AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS definition,
				(SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
					JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS columns,
				c.confrelid::regclass::text AS target,
				(SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
					JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS "targetColumns"
			FROM pg_constraint c WHERE c.conrelid = $1::regclass ORDER BY c.conname`,
			[table]
		);
		const of = (type: string) => constraints.rows.filter((row) => row.type === type);
		shapes[table] = {
			columns: columns.rows.map((column) => ({
				name: column.name,
				type: pgType(table, column.name, column.type),
				notNull: column.nullable === 'NO',
				default: defaultOf(column.default)
			})),
			primaryKey: of('p')[0]?.columns ?? [],
			foreignKeys: of('f')
				.map((row) => `${row.columns[0]} -> ${row.target}.${row.targetColumns![0]}`)
				.sort(),
			checks: Object.fromEntries(
				of('c').map((row) => [row.name, normalise(row.definition.replace(/^CHECK /, ''))])
			)
		};
	}
	const found = await pool.query<{
		name: string;
		table: string;
		unique: boolean;
		columns: (string | null)[];
		where: string | null;
	}>(
		`SELECT i.relname AS name, t.relname AS table, x.indisunique AS unique,
			pg_get_expr(x.indpred, x.indrelid) AS where,
			(SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, i)
				LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n) AS columns
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relname = ANY ($1) AND NOT x.indisprimary ORDER BY i.relname`,
		[tables]
	);
	const indexes = Object.fromEntries(
		found.rows.map(({ name, where, ...index }) => [
			name,
			{ ...index, where: where && normalise(where) }
		])
	);
	const viewColumns: Record<string, string[]> = {};
	for (const view of views) {
		const { rows } = await pool.query<{ name: string }>(
			`SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
			[view]
		);
		viewColumns[view] = rows.map((row) => row.name);
	}
	const relations = await pool.query<{ name: string; kind: string }>(
		`SELECT table_name AS name, table_type AS kind FROM information_schema.tables
		WHERE table_schema = 'public' ORDER BY table_name`
	);
	return {
		shapes: withUniqueKeys(shapes, indexes),
		indexes,
		viewColumns,
		relations: relations.rows
	};
}

describe('the PostgreSQL schema', () => {
	const database = usePgTestDatabase({ max: 1 });

	it('has every table of SQLite, column for column and constraint for constraint', async () => {
		const sqlite = sqliteSchema(openDatabase(':memory:').$client);
		const postgres = await pgSchema(database().db.$client);
		for (const table of tables) expect(postgres.shapes[table], table).toEqual(sqlite.shapes[table]);
		expect(postgres.indexes).toEqual(sqlite.indexes);
		expect(postgres.viewColumns).toEqual(sqlite.viewColumns);
		expect(Object.keys(sqlite.shapes.transfers.checks)).toContain('transfers_code_check');
		expect(sqlite.indexes.lots_spend_order_idx.columns).toContain(null);
	});

	it('has only its two queues (roll-up, outbox) besides them', async () => {
		const { relations } = await pgSchema(database().db.$client);
		expect(relations).toEqual(
			[...tables, 'outbox_queue', 'rollup_queue']
				.map((name) => ({ name, kind: 'BASE TABLE' }))
				.concat(views.map((name) => ({ name, kind: 'VIEW' })))
				.sort((a, b) => (a.name < b.name ? -1 : 1))
		);
	});

	it('notices a CHECK, a default, an index or a column type that differs', async () => {
		const sqlite = sqliteSchema(openDatabase(':memory:').$client);
		const other = await createPgTestDatabase({ max: 1 });
		try {
			await other.db.$client.query(`ALTER TABLE lots DROP CONSTRAINT lots_held_check,
				ADD CONSTRAINT lots_held_check CHECK (held >= 0);
				ALTER TABLE holds ALTER COLUMN status SET DEFAULT 'captured'; DROP INDEX transfers_hold_idx;
				ALTER TABLE webhook_attempts ALTER COLUMN delivered TYPE boolean USING delivered = 1;
				ALTER TABLE sessions ALTER COLUMN expires_at TYPE integer;
				ALTER TABLE webhook_endpoints ALTER COLUMN event_types TYPE jsonb USING event_types::jsonb;
				ALTER TABLE users ALTER COLUMN created_at SET DEFAULT (extract(epoch FROM now()) * 1000)::bigint`);
			const changed = await pgSchema(other.db.$client);
			expect(changed.shapes.lots.checks).not.toEqual(sqlite.shapes.lots.checks);
			expect(changed.shapes.holds.columns).not.toEqual(sqlite.shapes.holds.columns);
			expect(changed.indexes).not.toEqual(sqlite.indexes);
			for (const table of ['webhook_attempts', 'sessions', 'webhook_endpoints', 'users']) {
				expect(changed.shapes[table].columns, table).not.toEqual(sqlite.shapes[table].columns);
			}
		} finally {
			await other.drop();
		}
	});

	it('tells CHECKs apart once normalised', () => {
		expect(normalise(`code = 'a' OR code = 'b'`)).toBe(normalise(`code IN ('a', 'b')`));
		expect(normalise(`(code = ANY (ARRAY['a'::text, 'b'::text]))`)).toBe("code in 'a', 'b'");
		expect(normalise('(a = b) OR (a = c)')).toBe(normalise('a IN (b, c)'));
		expect(normalise('amount > 0')).not.toBe(normalise('amount >= 0'));
	});
});

describe('immutability on both backends', () => {
	let database: PgTestDatabase;
	let sqlite: Database.Database;
	beforeAll(async () => {
		const t = createTestLedger();
		t.ledger.grant({
			userId: 'ann',
			amount: 10,
			category: 'free',
			actor: 's',
			idempotencyKey: 'g'
		});
		t.db.$client
			.prepare(
				`INSERT INTO audit_log (actor_id, actor_email, action, outcome) VALUES ('a', 'a@example.com', 'grant', 'ok')`
			)
			.run();
		// A hold records its lots in allocations.
		t.ledger.hold({
			userId: 'ann',
			amount: 2,
			expiresAt: t.at(60_000),
			actor: 's',
			idempotencyKey: 'h'
		});
		sqlite = t.db.$client;
		database = await createPgTestDatabase({ max: 1 });
		await copyLedger(sqlite, database.db);
		await database.db.$client.query(
			`INSERT INTO audit_log (actor_id, actor_email, action, outcome) VALUES ('a', 'a@example.com', 'grant', 'ok')`
		);
	});
	afterAll(() => database.drop());

	it.each([
		['UPDATE transfers SET amount = 1000 WHERE id = 1', /transfers are immutable/],
		['DELETE FROM transfers WHERE id = 1', /transfers are immutable/],
		['UPDATE allocations SET amount = 1', /allocations are immutable/],
		['DELETE FROM allocations', /allocations are immutable/],
		["UPDATE audit_log SET outcome = 'failed'", /the audit log is append-only/],
		['DELETE FROM audit_log', /the audit log is append-only/]
	])('refuses %s', async (statement, refusal) => {
		expect(() => sqlite.prepare(statement).run()).toThrow(refusal);
		await expect(database.db.$client.query(statement)).rejects.toThrow(refusal);
		const count = `SELECT (SELECT count(*) FROM transfers) AS transfers, (SELECT count(*) FROM allocations) AS allocations,
			(SELECT count(*) FROM audit_log WHERE outcome = 'ok') AS audit`;
		expect((await database.db.$client.query(count)).rows[0]).toEqual(sqlite.prepare(count).get());
	});
});
