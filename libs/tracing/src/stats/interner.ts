/** Strings stored once, referred to by a small integer (account ids, routes, models, client keys). */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  find(value: string): number | undefined {
    return this.ids.get(value);
  }

  valueOf(id: number): string {
    return this.values[id] ?? '';
  }

  get size(): number {
    return this.values.length;
  }
}
