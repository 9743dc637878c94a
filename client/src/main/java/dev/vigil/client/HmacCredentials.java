package dev.vigil.client;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * The engine's default scheme: a secret key per client id, shared with the engine's credentials file, that never
 * travels. The engine challenges each {@code Connect} with a fresh random nonce; the client answers with
 * HMAC-SHA256 under its key over a fixed context, its client id and the nonce. An eavesdropper learns nothing it can
 * reuse: the next challenge has another nonce, and the client id in the MAC stops one client's answer serving as
 * another's.
 */
public final class HmacCredentials implements CredentialsSupplier
{
    /** Shortest key accepted, in bytes: 128 bits. */
    public static final int MIN_KEY_LENGTH = 16;

    /** Length of an answer: one HMAC-SHA256. */
    public static final int RESPONSE_LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] CONTEXT = "vigil-connect-v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;

    /**
     * @param key the client's secret key, at least {@link #MIN_KEY_LENGTH} bytes.
     */
    public HmacCredentials(final byte[] key)
    {
        if (key.length < MIN_KEY_LENGTH)
        {
            throw new IllegalArgumentException(
                "key has " + key.length + " bytes; at least " + MIN_KEY_LENGTH + " are needed");
        }
        this.key = key.clone();
    }

    /**
     * @param hexKey the client's secret key in hexadecimal, e.g. as {@code vigil credentials add} prints it.
     * @return credentials answering with that key.
     * @throws IllegalArgumentException when the text is not hexadecimal or the key is too short.
     */
    public static HmacCredentials ofHex(final String hexKey)
    {
        return new HmacCredentials(parseHexKey(hexKey));
    }

    /**
     * @param hexKey a key in hexadecimal, upper or lower case.
     * @return its bytes.
     * @throws IllegalArgumentException naming what is wrong, without echoing the key.
     */
    public static byte[] parseHexKey(final String hexKey)
    {
        final String text = hexKey.trim();
        if (text.length() % 2 != 0)
        {
            throw new IllegalArgumentException("a hex key needs an even number of digits, not " + text.length());
        }
        final byte[] key;
        try
        {
            key = HexFormat.of().parseHex(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("a key must be hexadecimal digits only");
        }
        if (key.length < MIN_KEY_LENGTH)
        {
            throw new IllegalArgumentException("a key of " + key.length + " bytes is too short; at least " +
                MIN_KEY_LENGTH + " bytes (" + 2 * MIN_KEY_LENGTH + " hex digits) are needed");
        }
        return key;
    }

    @Override
    public byte[] encodedCredentials()
    {
        return new byte[0];
    }

    @Override
    public byte[] onChallenge(final long clientId, final byte[] encodedChallenge)
    {
        return sign(key, clientId, encodedChallenge);
    }

    /**
     * The answer to a challenge, as client and engine both work it out.
     *
     * @param key       the client's key.
     * @param clientId  the id it connects as.
     * @param challenge the engine's nonce.
     * @return HMAC-SHA256 under the key over the context, the client id (little-endian) and the challenge.
     */
    public static byte[] sign(final byte[] key, final long clientId, final byte[] challenge)
    {
        try
        {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update(CONTEXT);
            mac.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, clientId).array());
            mac.update(challenge);
            return mac.doFinal();
        }
        catch (final GeneralSecurityException ex)
        {
            // Every Java platform must provide HmacSHA256.
            throw new IllegalStateException(ALGORITHM + " is not available", ex);
        }
    }

    @Override
    public String toString()
    {
        // Never print the key.
        return "HmacCredentials[" + key.length + " byte key]";
    }
}
