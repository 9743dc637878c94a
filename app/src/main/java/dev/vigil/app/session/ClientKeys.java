package dev.vigil.app.session;

import dev.vigil.app.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes client keys and adds them to a credentials file, creating it readable by its owner only. What
 * {@code vigil credentials add} runs, and how {@code vigil demo} and {@code vigil bench} set up their own clients.
 */
public final class ClientKeys
{
    /** Bytes of a new key: 256 bits. */
    public static final int KEY_LENGTH = 32;

    private ClientKeys()
    {
    }

    /**
     * Add a new random key for a client to a credentials file.
     *
     * @param file     the credentials file; created, owner-only, when it does not exist.
     * @param clientId the client, which must not have a key there yet.
     * @param random   where the key comes from.
     * @return the new key in hexadecimal, to give to the client.
     * @throws ConfigException when the file cannot be used or already has a key for the client.
     */
    public static String add(final Path file, final long clientId, final SecureRandom random)
    {
        if (clientId == 0)
        {
            throw new ConfigException("client id 0: allowed: 1 to 18446744073709551615");
        }
        if (Files.exists(file))
        {
            final CredentialsFile existing = CredentialsFile.load("credentials file", file);
            if (existing.key(clientId) != null)
            {
                throw new ConfigException(file + ": client " + Long.toUnsignedString(clientId) +
                    " already has a key; remove its line to replace it");
            }
        }
        else
        {
            create(file);
        }
        final byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        final String hexKey = HexFormat.of().formatHex(key);
        try
        {
            Files.writeString(file, Long.toUnsignedString(clientId) + " " + hexKey + System.lineSeparator(),
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file + ": cannot write it (" + ex.getMessage() + ")");
        }
        return hexKey;
    }

    private static void create(final Path file)
    {
        try
        {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            if (Files.getFileStore(parent == null ? file : parent).supportsFileAttributeView(
                PosixFileAttributeView.class))
            {
                Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            else
            {
                Files.createFile(file);
            }
            Files.writeString(file, "# Vigil client keys: <client-id> <hex-key>. Keep this file readable by its " +
                "owner only." + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file + ": cannot create it (" + ex.getMessage() + ")");
        }
    }
}
