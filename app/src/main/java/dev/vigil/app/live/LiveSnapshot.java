package dev.vigil.app.live;

/**
 * What the page's JSON endpoints serve until the next update: made whole on the feed thread and handed to the
 * server's thread by one volatile write, so a request never sees half an update.
 *
 * @param history   the recent past, {@code /api/history}.
 * @param histogram the round-trip distribution since the page started, {@code /api/histogram}.
 * @param alerts    the latest alerts, newest first, {@code /api/alerts}.
 * @param windows   the latest window results and late events, {@code /api/windows}.
 * @param rules     the rules in force with their counts, {@code /api/rules}.
 * @param engine    the engine's state, {@code /api/engine}.
 * @param counters  every counter, {@code /api/counters}.
 */
record LiveSnapshot(
    String history,
    String histogram,
    AlertFeed.Entry[] alerts,
    String windows,
    String rules,
    String engine,
    String counters)
{
    /** Before the first update. */
    static final LiveSnapshot EMPTY = new LiveSnapshot("{}", "{}", new AlertFeed.Entry[0], "{}", "{}", "{}", "[]");
}
