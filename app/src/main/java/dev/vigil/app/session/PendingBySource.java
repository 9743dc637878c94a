package dev.vigil.app.session;

import org.agrona.collections.Object2IntHashMap;

/**
 * How many handshakes are under way from each source host, so that one host cannot hold them all.
 */
final class PendingBySource
{
    private final Object2IntHashMap<String> countBySource = new Object2IntHashMap<>(0);

    int count(final String sourceHost)
    {
        return countBySource.getValue(sourceHost);
    }

    void add(final String sourceHost)
    {
        countBySource.put(sourceHost, countBySource.getValue(sourceHost) + 1);
    }

    void remove(final String sourceHost)
    {
        final int left = countBySource.getValue(sourceHost) - 1;
        if (left <= 0)
        {
            countBySource.removeKey(sourceHost);
        }
        else
        {
            countBySource.put(sourceHost, left);
        }
    }

    void clear()
    {
        countBySource.clear();
    }
}
