import type { LiveEvent } from './live-event.js';

/**
 * The most recent events, in id order, up to a size (the length of their frames): what a
 * client resuming with `Last-Event-ID` can be sent again.
 */
export class EventRing {
  private events: LiveEvent[] = [];
  /** Index of the oldest event kept; the ones before it are gone. */
  private start = 0;
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** Adds an event (its id above every other); returns the id of the newest event evicted, or null. */
  push(event: LiveEvent): number | null {
    this.events.push(event);
    this.chars += event.frame.length;
    let evicted: number | null = null;
    while (this.chars > this.maxChars && this.start < this.events.length) {
      const old = this.events[this.start++] as LiveEvent;
      this.chars -= old.frame.length;
      evicted = old.id;
    }
    // Drop the evicted slots now and then rather than shifting the array on every eviction.
    if (this.start > 1024 && this.start * 2 > this.events.length) {
      this.events = this.events.slice(this.start);
      this.start = 0;
    }
    return evicted;
  }

  /** The events kept with an id above `id`, oldest first. */
  after(id: number): LiveEvent[] {
    let lo = this.start;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid] as LiveEvent).id <= id) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  clear(): void {
    this.events = [];
    this.start = 0;
    this.chars = 0;
  }
}
