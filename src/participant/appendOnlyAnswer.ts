// VS Code's Chat takes a response as appended Markdown and cannot take back what it was given, while the ask
// pipeline reports the whole answer so far on every update. Usually each text extends the one before and only the
// new end is sent. A bot with several answer messages can interleave them, and a completed message can replace
// what its deltas built (src/coze/answerBuilder.ts): then the text so far no longer extends what is shown. From
// there nothing more is streamed, and at the end the whole answer follows under a rule, so that the response
// always ends with the answer Coze settled on. Pure, unit-tested.

export class AppendOnlyAnswer {
  private shownText = '';
  private diverged = false;

  /** Everything appended so far. */
  get shown(): string {
    return this.shownText;
  }

  /** The Markdown to append for the answer so far; '' when there is nothing new to show. */
  next(text: string): string {
    if (this.diverged) return '';
    if (!text.startsWith(this.shownText)) {
      this.diverged = true;
      return '';
    }
    const added = text.slice(this.shownText.length);
    this.shownText = text;
    return added;
  }

  /** The Markdown to append once the answer is final (or is all there will be, after a failure). */
  finish(text: string): string {
    const added = this.next(text);
    if (!this.diverged) return added;
    // Once diverged, something was shown (every text extends the empty one) and the text differs from it.
    if (text === this.shownText) return '';
    const tail = `\n\n---\n\n${text}`;
    this.shownText += tail;
    return tail;
  }
}
