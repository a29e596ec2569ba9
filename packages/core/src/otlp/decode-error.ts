/**
 * A request body that cannot be decoded at all: the whole request is refused
 * (HTTP 400, gRPC INVALID_ARGUMENT). Problems confined to single spans are not
 * errors; they are counted as rejected spans instead.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}
