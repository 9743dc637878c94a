package dev.vigil.core.rules.config;

import java.util.List;

/**
 * A rules file that cannot be loaded, with every error found in it, each naming file, line, field and what is
 * allowed.
 */
public final class RulesFileException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;

    /**
     * @param errors every error, one line each.
     */
    public RulesFileException(final List<String> errors)
    {
        super(String.join(System.lineSeparator(), errors));
        this.errors = List.copyOf(errors);
    }

    /**
     * @return every error, one line each, in file order.
     */
    public List<String> errors()
    {
        return errors;
    }
}
