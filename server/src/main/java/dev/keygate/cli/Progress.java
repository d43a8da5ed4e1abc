package dev.keygate.cli;

import dev.keygate.api.v1.ImportResult;
import java.io.PrintWriter;

/**
 * The import's counts and its progress bar on stderr (redrawn at most every {@value #REDRAW_MILLIS}
 * ms, on one line with a carriage return), rejected records listed by line as they come back.
 * Thread-safe: batches finish on several threads.
 */
final class Progress {
  private static final int WIDTH = 30;
  static final long REDRAW_MILLIS = 200;

  private final PrintWriter err;
  private final long total;
  private final long started = System.nanoTime();
  private long imported;
  private long already;
  private long rejected;
  private long lastDrawn;

  Progress(PrintWriter err, long total) {
    this.err = err;
    this.total = Math.max(total, 1);
  }

  synchronized void result(ImportResult r) {
    switch (r.getOutcome()) {
      case IMPORTED -> imported++;
      case ALREADY_IMPORTED -> already++;
      default -> {
        StringBuilder why = new StringBuilder(r.getMessage());
        r.getFieldViolationsList()
            .forEach(
                v -> why.append("; ").append(v.getField()).append(": ").append(v.getDescription()));
        rejected(r.getLine(), r.getExternalId(), r.getReason(), why.toString());
        return;
      }
    }
    draw(false);
  }

  synchronized void rejected(long line, String externalId, String reason, String message) {
    rejected++;
    err.print("\r\033[K");
    err.println(
        "line "
            + line
            + (externalId.isEmpty() ? "" : " (" + externalId + ")")
            + ": "
            + reason
            + ": "
            + message);
    draw(true);
  }

  synchronized long failures() {
    return rejected;
  }

  synchronized void finish(PrintWriter out) {
    draw(true);
    err.println();
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    out.printf(
        "imported: %d, already imported: %d, rejected: %d (%.0f records/s)%n",
        imported, already, rejected, (imported + already + rejected) / seconds);
    out.flush();
  }

  private void draw(boolean now) {
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (!now && ms - lastDrawn < REDRAW_MILLIS) {
      return;
    }
    lastDrawn = ms;
    long done = imported + already + rejected;
    int filled = (int) Math.min(WIDTH, done * WIDTH / total);
    err.print(
        "\r["
            + "#".repeat(filled)
            + ".".repeat(WIDTH - filled)
            + "] "
            + done
            + "/"
            + total
            + String.format(" (%d%%)", Math.min(100, done * 100 / total)));
    err.flush();
  }
}
