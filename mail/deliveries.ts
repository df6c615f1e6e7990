/**
 * @module mail/deliveries
 * Mail delivery attempts running in the background of one app. A set per Services rather than per
 * module, so two apps in one process (tests) wait only for their own, and closeServices can let
 * them write their outcome before the control database closes.
 */

/**
 * The delivery attempts `sendMail` started in the background, one set per running app
 * (`services.mailDeliveries`), so tests and shutdown can wait for them.
 */
export class MailDeliveries {
  #attempts = new Set<Promise<void>>();

  /** Keeps `attempt` until it settles (its failure is the outbox row's, not the caller's). */
  track(attempt: Promise<void>): void {
    const done: Promise<void> = attempt.catch(() => {}).finally(() => this.#attempts.delete(done));
    this.#attempts.add(done);
  }

  /** Resolves once no attempt is running (closeServices waits for it before closing databases). */
  async settled(): Promise<void> {
    while (this.#attempts.size > 0) await Promise.all([...this.#attempts]);
  }
}
