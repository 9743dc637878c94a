package dev.vigil.core.rules;

/**
 * The identity every rule carries — id, name, action — so concrete rules hold only their parameters and logic.
 */
public abstract class NamedRule implements Rule
{
    private final int id;
    private final String name;
    private final RuleAction action;

    /**
     * @param id     rule id, in {@code [0, Rule.MAX_RULE_ID]}.
     * @param name   short name for reports and alerts.
     * @param action what a message gets when the rule fires.
     */
    protected NamedRule(final int id, final String name, final RuleAction action)
    {
        this.id = id;
        this.name = name;
        this.action = action;
    }

    @Override
    public final int id()
    {
        return id;
    }

    @Override
    public final String name()
    {
        return name;
    }

    @Override
    public final RuleAction action()
    {
        return action;
    }

    @Override
    public String toString()
    {
        return name + "#" + id + "(" + action + ")";
    }
}
