/** Methods of the delivery-tracking parts an adapter does not have yet. */
export function notYet (method: string): never {
  throw new Error(`${method} is not implemented by this store yet`)
}
