package dev.vigil.app.live;

/**
 * The page's recent past, one row per update: throughput (received, decided, rejected per second), the decision mix
 * (approve, review, decline per second), alerts per second, the round-trip percentiles of the interval and its
 * stages' (ingress to the rules' decision, ingress to the journal's write, the later of them to egress). Held in
 * a ring of fixed capacity, as columns, which is the shape the page's charts draw from.
 */
final class History
{
    /** The columns, in the order {@link #add} takes them; {@code t} is seconds since the epoch. */
    static final String[] COLUMNS = {
        "t", "received", "decided", "rejected", "approve", "review", "decline", "alerts",
        "roundTrips", "p50Us", "p90Us", "p99Us", "p999Us", "maxUs",
        "rulesP50Us", "rulesP99Us", "journalP50Us", "journalP99Us", "egressP50Us", "egressP99Us"};

    private final double[][] columns;
    private final int capacity;
    private int size;
    private int next;

    /**
     * @param capacity rows kept; older ones are overwritten.
     */
    History(final int capacity)
    {
        this.capacity = capacity;
        this.columns = new double[COLUMNS.length][capacity];
    }

    /**
     * @param row one value per column, in {@link #COLUMNS}' order.
     */
    void add(final double[] row)
    {
        if (row.length != COLUMNS.length)
        {
            throw new IllegalArgumentException("a row has " + COLUMNS.length + " values, not " + row.length);
        }
        for (int c = 0; c < COLUMNS.length; c++)
        {
            columns[c][next] = row[c];
        }
        next = (next + 1) % capacity;
        size = Math.min(capacity, size + 1);
    }

    int size()
    {
        return size;
    }

    /**
     * @param json where the rows go: an object of one array per column, oldest row first.
     */
    void writeColumns(final JsonText json)
    {
        json.beginObject();
        final int first = size < capacity ? 0 : next;
        for (int c = 0; c < COLUMNS.length; c++)
        {
            json.name(COLUMNS[c]).beginArray();
            for (int i = 0; i < size; i++)
            {
                json.value(columns[c][(first + i) % capacity]);
            }
            json.endArray();
        }
        json.endObject();
    }

    /**
     * @param json where the newest row goes, as an object of column to value; nothing when there is none.
     */
    void writeLatest(final JsonText json)
    {
        json.beginObject();
        if (size > 0)
        {
            final int latest = (next + capacity - 1) % capacity;
            for (int c = 0; c < COLUMNS.length; c++)
            {
                json.field(COLUMNS[c], columns[c][latest]);
            }
        }
        json.endObject();
    }
}
