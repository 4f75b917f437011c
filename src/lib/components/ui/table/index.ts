export { default as Table } from './table.svelte';
export { default as TableHead } from './table-head.svelte';
export { default as TableCell } from './table-cell.svelte';
export type { Column } from './table.svelte';
