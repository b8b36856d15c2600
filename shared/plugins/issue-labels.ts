// An issue's labels as a command plugin knows them while it handles one comment: first the
// payload's (`GenericCommentEvent.labels`), then what each of its own label writes answered
// (GitHub answers the issue's labels after an add or a remove), then, only when needed, a read.
//
// The payload is GitHub's snapshot from when the comment was made. Commands on one issue are
// handled in order, but a comment posted before the bot acted on the previous one carries labels
// from before that command: `/kind bug` then, quickly, `/remove-kind bug` — the second payload
// has no kind/bug. So the payload is trusted only where a stale answer does no harm:
// - to write: an add of a label it lacks and a remove of a label it shows are sent; both are
//   idempotent on GitHub (an add of a label already there changes nothing, a remove of one already
//   gone answers 404, taken as done);
// - never to do nothing, or to refuse: before "already there" or "not set on the issue", the
//   labels are read from GitHub (`confirm`), unless a write of this comment has just answered them.
import type { GenericCommentEvent } from '../hook/generic-comment.js';

const fold = (label: string) => label.toLowerCase();

export class IssueLabels {
  /** Lower-cased → as GitHub spells it. */
  #labels: Map<string, string>;
  /** GitHub said so since the last write (a read, or the write's own answer); the payload never is. */
  #fresh = false;

  constructor(
    payload: readonly string[],
    private readonly read: () => Promise<string[]>,
  ) {
    this.#labels = new Map(payload.map((l) => [fold(l), l]));
  }

  static of(e: Pick<GenericCommentEvent, 'labels'>, read: () => Promise<string[]>): IssueLabels {
    return new IssueLabels(e.labels, read);
  }

  has(label: string): boolean {
    return this.#labels.has(fold(label));
  }

  /** The label as the issue spells it, if it has it. */
  name(label: string): string | undefined {
    return this.#labels.get(fold(label));
  }

  names(): string[] {
    return [...this.#labels.values()];
  }

  get fresh(): boolean {
    return this.#fresh;
  }

  /** Makes the labels GitHub's: reads them unless GitHub has answered them since the last write. */
  async confirm(): Promise<this> {
    if (!this.#fresh) this.#set(await this.read());
    return this;
  }

  /**
   * After a label write: its answer, the issue's labels, when GitHub gave it; otherwise (a 404,
   * a write the journal skipped, dry-run, a failure) the change assumed, and no longer fresh.
   */
  after(answer: readonly string[] | undefined, change: { add?: string; remove?: string }): void {
    if (answer) return this.#set(answer);
    if (change.add !== undefined) this.#labels.set(fold(change.add), change.add);
    if (change.remove !== undefined) this.#labels.delete(fold(change.remove));
    this.#fresh = false;
  }

  #set(labels: readonly string[]): void {
    this.#labels = new Map(labels.map((l) => [fold(l), l]));
    this.#fresh = true;
  }
}
