import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/api/openapi';
import type { RequestHandler } from './$types';

let document: ReturnType<typeof openApiDocument> | undefined;

export const GET: RequestHandler = () => json((document ??= openApiDocument()));
