import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How the companion proves it is itself before an EPOS sends it the token: the client sends a fresh random
 * `Till-Challenge` header; every answer to such a request carries `Till-Proof`, an HMAC keyed with the EPOS token
 * over the port the client connected to, the challenge, the status and the body. A program squatting on the port
 * does not know the token and cannot make one; the real companion on another port cannot lend it one either.
 * docs/epos-integration.md ("Verifying the companion") describes the same steps for an EPOS.
 */
export const PROOF_VERSION = 'till-companion-proof-v1';
export const CHALLENGE_HEADER = 'till-challenge';
export const PROOF_HEADER = 'till-proof';
/** 16–128 base64url characters: at least 96 bits when random. */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function newChallenge(): string {
  return randomBytes(24).toString('base64url');
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

/** base64url(HMAC-SHA256(token, "till-companion-proof-v1\n<port>\n<challenge>\n<status>\n<hex SHA-256 of the body>")). */
export function proofFor(token: string, port: number, challenge: string, status: number, body: string | Buffer): string {
  const message = [PROOF_VERSION, String(port), challenge, String(status), sha256(body).toString('hex')].join('\n');
  return createHmac('sha256', token).update(message).digest('base64url');
}

/** True only for the proof the holder of `token` would send for exactly this answer. */
export function verifyProof(token: string, port: number, challenge: string, status: number, body: string | Buffer, proof: string | null | undefined): boolean {
  return typeof proof === 'string' && sameSecret(proof, proofFor(token, port, challenge, status, body));
}

/**
 * Constant-time comparison of two secrets of any length or alphabet: both sides are hashed first, so the
 * comparison is always of two equal-length digests (non-ASCII or odd-length input cannot make it throw, and
 * its time says nothing about the length).
 */
export function sameSecret(given: string, expected: string): boolean {
  const equal = timingSafeEqual(sha256(Buffer.from(given, 'utf8')), sha256(Buffer.from(expected, 'utf8')));
  return equal && given.length > 0;
}
