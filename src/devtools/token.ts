import { randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random token for one devtools server (128 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(16).toString("base64url");
}

/** Whether the request URL carries `token` as its `token` query parameter. */
export function hasToken(url: URL, token: string): boolean {
  const given = Buffer.from(url.searchParams.get("token") ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
