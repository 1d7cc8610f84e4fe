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

/** Every proof the companion gives: base64url(HMAC-SHA256(token, the fields joined by "\n")), the content last as its hex SHA-256. */
function proofOver(token: string, fields: readonly string[], content: string | Buffer): string {
  return createHmac('sha256', token).update([...fields, sha256(content).toString('hex')].join('\n')).digest('base64url');
}

/** base64url(HMAC-SHA256(token, "till-companion-proof-v1\n<port>\n<challenge>\n<status>\n<hex SHA-256 of the body>")). */
export function proofFor(token: string, port: number, challenge: string, status: number, body: string | Buffer): string {
  return proofOver(token, [PROOF_VERSION, String(port), challenge, String(status)], body);
}

/**
 * The folder exchange's answer files carry the same kind of proof, so an EPOS can tell the companion's result from
 * one written by anyone else who can write to the folder: base64url(HMAC-SHA256(token,
 * "till-companion-file-proof-v1\n<id>.<ext>\n<hex SHA-256 of the file without its proof line>")). The name binds
 * the proof to the request id and the kind of answer (an .ack cannot pass for a .res, nor one id's for another's).
 */
export const FILE_PROOF_VERSION = 'till-companion-file-proof-v1';

export function fileProofFor(token: string, fileName: string, content: string | Buffer): string {
  return proofOver(token, [FILE_PROOF_VERSION, fileName], content);
}

export function verifyFileProof(token: string, fileName: string, content: string | Buffer, proof: string | null | undefined): boolean {
  return typeof proof === 'string' && token.length > 0 && sameSecret(proof, fileProofFor(token, fileName, content));
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
