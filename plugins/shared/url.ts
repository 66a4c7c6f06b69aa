/** A base URL (or path) without its trailing slashes, so paths join with one. */
export const trimUrl = (url: string): string => url.replace(/\/+$/, '');
