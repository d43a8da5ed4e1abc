package dev.keygate.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code -o table|json}: a readable table, or the response's proto JSON form for scripts. */
final class OutputFormat {
  enum Format {
    table,
    json
  }

  // every field, zero values too: a script reading "remaining" must find 0, not nothing
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default) or json (the response message's proto JSON form).")
  Format format;

  /** Prints the response as JSON, or hands it to the table printer. */
  <M extends MessageOrBuilder> void print(PrintWriter out, M response, TablePrinter<M> table) {
    if (format == Format.json) {
      try {
        out.println(JSON.print(response));
      } catch (InvalidProtocolBufferException e) {
        // only for Any fields of unknown types, which keygate's responses do not have
        throw new IllegalStateException("cannot print " + response.getClass().getSimpleName(), e);
      }
    } else {
      table.print(out, response);
    }
    out.flush();
  }

  /** Writes one response as text. */
  @FunctionalInterface
  interface TablePrinter<M> {
    void print(PrintWriter out, M response);
  }
}
