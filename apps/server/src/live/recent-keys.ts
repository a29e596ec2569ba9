/** The last `max` keys added (a set that forgets its oldest keys first). */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
  }

  clear(): void {
    this.keys.clear();
  }
}
