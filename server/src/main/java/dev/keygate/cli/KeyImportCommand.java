package dev.keygate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.keygate.api.v1.ImportKeysRequest;
import dev.keygate.api.v1.ImportKeysResponse;
import dev.keygate.api.v1.ImportResult;
import dev.keygate.api.v1.ImportedKey;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keygate keys import FILE}: streams a JSON-lines file of {@code ImportedKey} records to
 * KeyAdmin.ImportKeys in batches, a few batches at once, with a progress bar on stderr. Each
 * rejected record is reported with its line; the others still import, and a rerun of the same file
 * imports only what is missing (idempotent by external id).
 */
@Command(
    name = "import",
    description =
        "Imports keys from another system: a JSON-lines FILE, one ImportedKey a line "
            + "(docs/importing-keys.md). Safe to run again.")
final class KeyImportCommand implements Callable<Integer> {
  @Mixin Target target;
  @Mixin AdminCredential credential;

  @Parameters(paramLabel = "FILE", description = "JSON lines, one ImportedKey per line.")
  Path file;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Records per call, 1-1000 (default 500).")
  int batchSize = 500;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Calls in flight at once, 1-16 (default 4).")
  int parallel = 4;

  private final CliContext context;

  KeyImportCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1 || batchSize > 1000 || parallel < 1 || parallel > 16) {
      throw new CliException(
          ExitCode.USAGE, "keys import: --batch-size must be 1-1000 and --parallel 1-16");
    }
    if (!Files.isReadable(file)) {
      throw new CliException(ExitCode.USAGE, "keys import: cannot read " + file);
    }
    long total = countLines(file);
    String secret = credential.secret(context);
    Progress progress = new Progress(context.err(), total);
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    // bounds what is read ahead of the calls: `parallel` batches running, as many waiting
    Semaphore window = new Semaphore(parallel * 2);
    List<Future<?>> calls = new ArrayList<>();
    try (Connection connection = target.connect(context);
        BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      ImportKeysRequest.Builder batch = ImportKeysRequest.newBuilder();
      long lineNo = 0;
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        ImportedKey.Builder record = ImportedKey.newBuilder();
        try {
          JsonFormat.parser().merge(line, record);
        } catch (InvalidProtocolBufferException e) {
          // the parser's message may quote the line, and with it a secret: never print it
          progress.rejected(lineNo, "", "INVALID_LINE", "not an ImportedKey JSON object");
          continue;
        }
        batch.addKeys(record.setLine(lineNo));
        if (batch.getKeysCount() == batchSize) {
          calls.add(send(pool, window, connection, secret, batch.build(), progress));
          batch = ImportKeysRequest.newBuilder();
        }
      }
      if (batch.getKeysCount() > 0) {
        calls.add(send(pool, window, connection, secret, batch.build(), progress));
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdownNow();
    }
    progress.finish(context.out());
    return progress.failures() == 0 ? ExitCode.OK.code() : ExitCode.REJECTED.code();
  }

  private static Future<?> send(
      ExecutorService pool,
      Semaphore window,
      Connection connection,
      String secret,
      ImportKeysRequest batch,
      Progress progress)
      throws InterruptedException {
    window.acquire();
    return pool.submit(
        () -> {
          try {
            // a stub per call: its deadline starts with the call
            ImportKeysResponse answer = connection.admin(secret).importKeys(batch);
            for (ImportResult r : answer.getResultsList()) {
              progress.result(r);
            }
          } catch (StatusRuntimeException e) {
            // the whole batch failed (credential refused, sidecar down): each record is reported
            String reason = e.getStatus().getCode().name();
            for (ImportedKey k : batch.getKeysList()) {
              progress.rejected(k.getLine(), k.getExternalId(), reason, "the call failed");
            }
          } finally {
            window.release();
          }
        });
  }

  private static long countLines(Path file) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }
}
