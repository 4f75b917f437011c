import type { Db } from './index';

/** Built once per database and kept as long as it is: prepared statements, a ledger. */
export function perDatabase<T>(build: (db: Db) => T): (db: Db) => T {
	const built = new WeakMap<Db, T>();
	return (db) => {
		let value = built.get(db);
		if (value === undefined) built.set(db, (value = build(db)));
		return value;
	};
}
