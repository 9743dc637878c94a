package dev.vigil.app.config;

/**
 * A configuration problem, with a message that names the setting, the value, where it came from and what is
 * allowed. The command line turns it into exit status 2.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where.
     */
    public ConfigException(final String message)
    {
        super(message);
    }
}
