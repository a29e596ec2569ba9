/** Hex ids ↔ the BLOBs the schema stores. */
export function hexToBlob(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

export function blobToHex(blob: Uint8Array): string {
  return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('hex');
}
