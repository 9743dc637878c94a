package dev.vigil.app.cli;

import dev.vigil.app.audit.JournalRecordView;
import dev.vigil.app.config.ConfigException;
import dev.vigil.codecs.InboundFrameValidator;
import dev.vigil.journal.JournalReader;
import org.agrona.DirectBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code vigil journal dump}: lists journaled input, filtered, as text, CSV or JSON lines.
 */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description = {
        "List journaled input in engine-sequence order, each record decoded into its fields.",
        "Filters combine (all must match). Every record is checksum-verified as it is read."})
final class JournalDumpCommand implements Callable<Integer>
{
    /** Output formats. */
    enum Format
    {
        text, csv, json
    }

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "vigil-data",
        description = "data directory holding journal/ (default: ${DEFAULT-VALUE})")
    private Path dataDir;

    @Option(names = "--from-seq", paramLabel = "N", defaultValue = "1", description = "first engine sequence")
    private long fromSeq;

    @Option(names = "--to-seq", paramLabel = "N", defaultValue = "" + Long.MAX_VALUE,
        description = "last engine sequence")
    private long toSeq;

    @Option(names = "--from-time", paramLabel = "TIME",
        description = "earliest event time: ISO-8601 instant (2026-01-01T00:00:00Z) or epoch nanoseconds")
    private String fromTime;

    @Option(names = "--to-time", paramLabel = "TIME", description = "latest event time, exclusive; as --from-time")
    private String toTime;

    @Option(names = "--type", paramLabel = "TYPE", description = "only this message type: ${COMPLETION-CANDIDATES}")
    private JournalRecordView.Type type;

    @Option(names = "--account", paramLabel = "ID", description = "only transactions and orders of this account")
    private Long account;

    @Option(names = "--client", paramLabel = "ID", description = "only input from this client id")
    private Long client;

    @Option(names = "--format", defaultValue = "text",
        description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); csv has one header line per type")
    private Format format;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + Long.MAX_VALUE,
        description = "stop after this many matching records")
    private long limit;

    private long printed;
    private String lastCsvType;

    @Override
    public Integer call()
    {
        final Path journalDir = OptionValues.existingJournal("--data-dir", dataDir);
        OptionValues.notNegative("--limit", limit);
        final long fromTimeNs = fromTime == null ? Long.MIN_VALUE : parseTime("--from-time", fromTime);
        final long toTimeNs = toTime == null ? Long.MAX_VALUE : parseTime("--to-time", toTime);

        final PrintStream out = System.out;
        final JournalRecordView view = new JournalRecordView();
        try (JournalReader reader = JournalReader.open(journalDir, Math.max(1, fromSeq)))
        {
            final boolean[] done = {false};
            while (!done[0] && reader.poll((seq, receiveTimeNs, buffer, offset, length) ->
            {
                if (seq > toSeq || printed >= limit)
                {
                    done[0] = true;
                    return;
                }
                if (matches(view, buffer, offset, length, fromTimeNs, toTimeNs))
                {
                    print(out, view.decode(seq, receiveTimeNs, buffer, offset));
                    printed++;
                }
            }, 1024) > 0)
            {
                out.flush();
            }
            out.flush();
            if (reader.stopReason() != JournalReader.StopReason.NONE)
            {
                System.err.printf(Locale.ROOT, "vigil journal dump: stopped at %s offset %d: %s%n",
                    reader.stopFile(), reader.stopOffset(), reader.stopReason());
                return VigilMain.EXIT_PROBLEM;
            }
        }
        return VigilMain.EXIT_OK;
    }

    private boolean matches(
        final JournalRecordView view,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long fromTimeNs,
        final long toTimeNs)
    {
        if (type != null && view.templateId(buffer, offset) != type.templateId())
        {
            return false;
        }
        if (account != null && view.accountId(buffer, offset) != account)
        {
            return false;
        }
        if (client != null && InboundFrameValidator.clientId(buffer, offset, length) != client)
        {
            return false;
        }
        final long eventTimeNs = view.eventTimeNs(buffer, offset);
        return eventTimeNs >= fromTimeNs && eventTimeNs < toTimeNs;
    }

    private void print(final PrintStream out, final Map<String, Object> fields)
    {
        switch (format)
        {
            case csv:
            {
                final String recordType = String.valueOf(fields.get("type"));
                if (!recordType.equals(lastCsvType))
                {
                    out.println(String.join(",", fields.keySet()));
                    lastCsvType = recordType;
                }
                final List<String> values = new ArrayList<>();
                fields.values().forEach(value -> values.add(csv(String.valueOf(value))));
                out.println(String.join(",", values));
                break;
            }
            case json:
            {
                final StringBuilder line = new StringBuilder("{");
                fields.forEach((name, value) -> line.append(line.length() > 1 ? "," : "")
                    .append('"').append(name).append("\":")
                    .append(value instanceof Number ? value.toString() : "\"" + value + "\""));
                out.println(line.append('}'));
                break;
            }
            default:
            {
                final StringBuilder line = new StringBuilder();
                fields.forEach((name, value) -> line.append(line.length() > 0 ? " " : "").append(name).append('=')
                    .append(value));
                out.println(line);
                break;
            }
        }
    }

    private static String csv(final String value)
    {
        return value.indexOf(',') >= 0 || value.indexOf('"') >= 0 ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static long parseTime(final String option, final String text)
    {
        try
        {
            return Long.parseLong(text);
        }
        catch (final NumberFormatException notNanos)
        {
            try
            {
                final Instant instant = Instant.parse(text);
                return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
            }
            catch (final DateTimeParseException ex)
            {
                throw new ConfigException(option + " " + text +
                    ": allowed: an ISO-8601 instant like 2026-01-01T00:00:00Z or epoch nanoseconds");
            }
        }
    }
}
