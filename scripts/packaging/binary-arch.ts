// What a native binary was built for, read from its header: Windows PE, macOS Mach-O (thin or universal) or Linux
// ELF. The packaged checks use it to prove each installer carries keytar.node for its own architecture, including
// the cross-built ones no runner can start.
import fs from 'node:fs';

export type BinaryFormat = 'pe' | 'macho' | 'elf';
export interface BinaryKind {
  format: BinaryFormat;
  /** Node's names (process.arch): x64, arm64, ia32; 'unknown:<code>' for anything else. */
  arches: string[];
}

/** The platform name electron-builder uses for each format (context.electronPlatformName). */
export const PLATFORM_OF: Record<BinaryFormat, string> = { pe: 'win32', macho: 'darwin', elf: 'linux' };

const PE_MACHINES: Record<number, string> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32' };
const ELF_MACHINES: Record<number, string> = { 0x3e: 'x64', 0xb7: 'arm64', 0x03: 'ia32' };
const named = (table: Record<number, string>, code: number) => table[code] ?? `unknown:0x${code.toString(16)}`;

export function binaryKind(header: Buffer): BinaryKind | undefined {
  if (header.length >= 0x40 && header.toString('latin1', 0, 2) === 'MZ') {
    const pe = header.readUInt32LE(0x3c);
    if (pe + 6 <= header.length && header.toString('latin1', pe, pe + 4) === 'PE\0\0') return { format: 'pe', arches: [named(PE_MACHINES, header.readUInt16LE(pe + 4))] };
  }
  if (header.length >= 8 && header.readUInt32LE(0) === 0xfeedfacf) return { format: 'macho', arches: [named(MACHO_CPUS, header.readUInt32LE(4))] };
  if (header.length >= 8 && header.readUInt32BE(0) === 0xcafebabe) {
    const count = header.readUInt32BE(4);
    const arches: string[] = [];
    for (let i = 0; i < count && 8 + i * 20 + 4 <= header.length; i++) arches.push(named(MACHO_CPUS, header.readUInt32BE(8 + i * 20)));
    return { format: 'macho', arches };
  }
  if (header.length >= 20 && header.readUInt32BE(0) === 0x7f454c46) {
    const littleEndian = header[5] === 1;
    return { format: 'elf', arches: [named(ELF_MACHINES, littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18))] };
  }
  return undefined;
}

export function readBinaryKind(file: string): BinaryKind | undefined {
  const handle = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(4096);
    const read = fs.readSync(handle, header, 0, header.length, 0);
    return binaryKind(header.subarray(0, read));
  } finally {
    fs.closeSync(handle);
  }
}
