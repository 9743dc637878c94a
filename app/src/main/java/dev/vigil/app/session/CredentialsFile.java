package dev.vigil.app.session;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.PathChecks;
import dev.vigil.app.config.TextLineReader;
import dev.vigil.client.HmacCredentials;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Each client's secret key, read from a credentials file of lines {@code <client-id> <hex-key>}; blank lines and
 * lines starting with {@code #} are ignored. Keys are at least 16 bytes (32 hex digits). The file must not be
 * readable by other users where the file system has POSIX permissions, as with SSH keys.
 */
public final class CredentialsFile
{
    private final Path path;
    private final Long2ObjectHashMap<byte[]> keyByClientId;

    private CredentialsFile(final Path path, final Long2ObjectHashMap<byte[]> keyByClientId)
    {
        this.path = path;
        this.keyByClientId = keyByClientId;
    }

    /**
     * @param setting the setting that names the file, for messages.
     * @param path    the file.
     * @return its keys.
     * @throws ConfigException naming the file, and the line where there is one, of anything wrong with it.
     */
    public static CredentialsFile load(final String setting, final Path path)
    {
        final String where = setting + "=" + path;
        PathChecks.readableFile(where, path);
        checkNotReadableByOthers(where, path);
        final Long2ObjectHashMap<byte[]> keys = new Long2ObjectHashMap<>();
        final Long2LongHashMap lineByClientId = new Long2LongHashMap(0);
        try (TextLineReader reader = TextLineReader.open(path, "credentials file"))
        {
            String rawLine;
            while ((rawLine = reader.readLine()) != null)
            {
                final int lineNumber = reader.lineNumber();
                final String line = rawLine.trim();
                if (line.isEmpty() || line.startsWith("#"))
                {
                    continue;
                }
                final String[] fields = line.split("\\s+");
                if (fields.length != 2)
                {
                    throw new ConfigException(path + ":" + lineNumber + ": expected '<client-id> <hex-key>', found " +
                        fields.length + " field(s)");
                }
                final long clientId = parseClientId(path, lineNumber, fields[0]);
                final byte[] key;
                try
                {
                    key = HmacCredentials.parseHexKey(fields[1]);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new ConfigException(path + ":" + lineNumber + ": the key of client " + clientId + ": " +
                        ex.getMessage());
                }
                final long earlier = lineByClientId.put(clientId, lineNumber);
                if (earlier != 0)
                {
                    throw new ConfigException(path + ":" + lineNumber + ": client " + clientId +
                        " already has a key on line " + earlier);
                }
                keys.put(clientId, key);
            }
        }
        catch (final UncheckedIOException ex)
        {
            throw new ConfigException(where + ": cannot read it (" + PathChecks.reason(ex.getCause(), path) + ")");
        }
        return new CredentialsFile(path, keys);
    }

    /**
     * @param clientId a client id.
     * @return its key, or null when the file has none for it.
     */
    public byte[] key(final long clientId)
    {
        return keyByClientId.get(clientId);
    }

    /**
     * @return how many clients have keys.
     */
    public int size()
    {
        return keyByClientId.size();
    }

    /**
     * @return the file the keys came from.
     */
    public Path path()
    {
        return path;
    }

    private static long parseClientId(final Path path, final int lineNumber, final String text)
    {
        try
        {
            final long clientId = Long.parseUnsignedLong(text);
            if (clientId != 0)
            {
                return clientId;
            }
        }
        catch (final NumberFormatException ex)
        {
            // Reported below with what is allowed.
        }
        throw new ConfigException(path + ":" + lineNumber + ": '" + text +
            "' is not a client id (a whole number from 1 to 18446744073709551615)");
    }

    private static void checkNotReadableByOthers(final String where, final Path path)
    {
        final PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null)
        {
            return;
        }
        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = view.readAttributes().permissions();
        }
        catch (final IOException ex)
        {
            throw new ConfigException(where + ": cannot read its permissions (" + ex.getMessage() + ")");
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ) ||
            permissions.contains(PosixFilePermission.GROUP_READ))
        {
            throw new ConfigException(where + ": readable by other users, and it holds secret keys; " +
                "make it readable by its owner only (chmod 600)");
        }
    }
}
