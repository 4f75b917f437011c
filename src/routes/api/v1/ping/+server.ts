import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** API reachability: no key, no database, so a failing call tells the network apart from credentials. */
export const GET: RequestHandler = () => json({ ok: true });
