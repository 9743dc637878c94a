package dev.vigil.app.live;

import dev.vigil.app.kafka.OutputJson;
import dev.vigil.client.AlertListener;
import dev.vigil.codecs.AlertDecoder;
import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import org.agrona.collections.Int2ObjectHashMap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the engine's alert stream brought, as the page shows it: the latest alerts (each as the Kafka connectors
 * write it, with its rule's name), the latest result of each windowed aggregation, and the late events. Fed on the
 * feed thread by an ordinary subscriber of the stream; encoded with {@link OutputJson}.
 */
final class AlertFeed implements AlertListener
{
    /**
     * One alert as the page lists it.
     *
     * @param rule the rule's name.
     * @param key  the key it fired on, unsigned.
     * @param json {@code {"rule": name, "alert": {...}}}.
     */
    record Entry(String rule, String key, String json)
    {
    }

    private final OutputJson outputJson = new OutputJson();
    private Map<Integer, String> ruleNames;
    private Map<Integer, String> windowNames;
    private final Entry[] recent;
    private final int maxNewPerTake;
    private final ArrayDeque<Entry> arrived = new ArrayDeque<>();
    private final Int2ObjectHashMap<String> latestWindowResults = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<long[]> windowResultCounts = new Int2ObjectHashMap<>();
    private int next;
    private int size;
    private long alerts;
    private long lateEvents;
    private String latestLateEvent;

    /**
     * @param ruleNames     rule id to name.
     * @param windowNames   aggregation id to name.
     * @param capacity      most recent alerts kept.
     * @param maxNewPerTake most new alerts handed on by one {@link #takeArrived()}; the others stay in the list.
     */
    AlertFeed(
        final Map<Integer, String> ruleNames, final Map<Integer, String> windowNames, final int capacity,
        final int maxNewPerTake)
    {
        this.ruleNames = ruleNames;
        this.windowNames = windowNames;
        this.recent = new Entry[capacity];
        this.maxNewPerTake = maxNewPerTake;
    }

    /**
     * @param ruleNames   rule id to name, of the rules in force now.
     * @param windowNames aggregation id to name, of those in force now.
     */
    void names(final Map<Integer, String> ruleNames, final Map<Integer, String> windowNames)
    {
        this.ruleNames = ruleNames;
        this.windowNames = windowNames;
    }

    @Override
    public void onAlert(final AlertDecoder alert)
    {
        final String rule = ruleNames.getOrDefault(alert.ruleId(), "rule " + alert.ruleId());
        final String key = Long.toUnsignedString(alert.key());
        final String encoded = new String(outputJson.alert(alert), StandardCharsets.UTF_8);
        // The key again as text: a browser reads JSON numbers as doubles, exact only below 2^53.
        final Entry entry = new Entry(rule, key, new JsonText(encoded.length() + 72).beginObject()
            .field("rule", rule).field("key", key).name("alert").raw(encoded).endObject().toString());
        recent[next] = entry;
        next = (next + 1) % recent.length;
        size = Math.min(recent.length, size + 1);
        alerts++;
        if (arrived.size() == maxNewPerTake)
        {
            // A burst: hand on the newest, as the list keeps them.
            arrived.pollFirst();
        }
        arrived.add(entry);
    }

    @Override
    public void onWindowResult(final WindowResultDecoder result)
    {
        final int id = result.aggregateId();
        latestWindowResults.put(id, new String(outputJson.windowResult(result), StandardCharsets.UTF_8));
        windowResultCounts.computeIfAbsent(id, ignored -> new long[1])[0]++;
    }

    @Override
    public void onLateEvent(final LateEventDecoder lateEvent)
    {
        lateEvents++;
        latestLateEvent = new String(outputJson.lateEvent(lateEvent), StandardCharsets.UTF_8);
    }

    /**
     * @return the newest of the alerts that arrived since the previous call (at most the bound given), oldest first.
     */
    List<Entry> takeArrived()
    {
        final List<Entry> taken = new ArrayList<>(arrived);
        arrived.clear();
        return taken;
    }

    /**
     * @return the alerts kept, newest first: a copy, safe to hand to other threads.
     */
    Entry[] recent()
    {
        final Entry[] copy = new Entry[size];
        for (int i = 0; i < size; i++)
        {
            copy[i] = recent[(next - 1 - i + recent.length) % recent.length];
        }
        return copy;
    }

    /**
     * @return alerts received since start.
     */
    long alerts()
    {
        return alerts;
    }

    /**
     * @return late events received since start.
     */
    long lateEvents()
    {
        return lateEvents;
    }

    /**
     * @param json where each aggregation's latest result goes: an array of its id, name, results received and the
     *             latest result; then the late events.
     */
    void writeWindows(final JsonText json)
    {
        json.beginObject().name("aggregations").beginArray();
        for (final Map.Entry<Integer, String> window : windowNames.entrySet())
        {
            final int id = window.getKey();
            final long[] count = windowResultCounts.get(id);
            final String latest = latestWindowResults.get(id);
            json.beginObject()
                .field("id", id)
                .field("name", window.getValue())
                .field("results", count == null ? 0 : count[0]);
            json.name("latest");
            if (latest == null)
            {
                json.value((String)null);
            }
            else
            {
                json.raw(latest);
            }
            json.endObject();
        }
        json.endArray();
        json.field("lateEvents", lateEvents).name("latestLateEvent");
        if (latestLateEvent == null)
        {
            json.value((String)null);
        }
        else
        {
            json.raw(latestLateEvent);
        }
        json.endObject();
    }
}
