package dev.vigil.core.rules.config;

import dev.vigil.core.rules.CustomRuleContext;
import dev.vigil.core.rules.OrderRule;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.TransactionRule;

import dev.vigil.core.window.WindowInput;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Builds rules of {@code type: custom}: loads the named class and calls its public constructor that takes a
 * {@link CustomRuleContext}.
 */
final class CustomRules
{
    private CustomRules()
    {
    }

    /**
     * @param className fully qualified class name.
     * @return what is wrong with the class as a custom rule, or null when it can be one.
     */
    static String check(final String className)
    {
        try
        {
            constructorOf(className);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }

    /**
     * @param className a class that {@link #check} found to be a custom rule.
     * @return the messages it judges: transactions when it implements TransactionRule, orders for OrderRule.
     */
    static Set<WindowInput> inputs(final String className)
    {
        final Class<?> type = constructorOf(className).getDeclaringClass();
        final Set<WindowInput> inputs = EnumSet.noneOf(WindowInput.class);
        if (TransactionRule.class.isAssignableFrom(type))
        {
            inputs.add(WindowInput.TRANSACTIONS);
        }
        if (OrderRule.class.isAssignableFrom(type))
        {
            inputs.add(WindowInput.ORDERS);
        }
        return inputs;
    }

    /**
     * @param definition a custom rule's definition.
     * @param maxKeys    most keys the rule should track.
     * @return the rule.
     * @throws IllegalArgumentException when the class cannot be loaded or refuses its parameters.
     */
    static Rule create(final RuleDefinition definition, final int maxKeys)
    {
        final Constructor<?> constructor = constructorOf(definition.customClass());
        final Object rule;
        try
        {
            rule = constructor.newInstance(new CustomRuleContext(
                definition.id(), definition.name(), definition.action(), definition.customParameters(), maxKeys));
        }
        catch (final InvocationTargetException ex)
        {
            throw new IllegalArgumentException(
                "class " + definition.customClass() + " refused its parameters: " + ex.getCause().getMessage(), ex);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalArgumentException("class " + definition.customClass() + " cannot be built: " + ex, ex);
        }
        final Rule built = (Rule)rule;
        if (built.id() != definition.id() || !definition.name().equals(built.name()) ||
            built.action() != definition.action())
        {
            throw new IllegalArgumentException("class " + definition.customClass() +
                " must report the id, name and action of its context");
        }
        return built;
    }

    private static Constructor<?> constructorOf(final String className)
    {
        final Class<?> type;
        try
        {
            type = Class.forName(className, false, CustomRules.class.getClassLoader());
        }
        catch (final ClassNotFoundException | LinkageError ex)
        {
            throw new IllegalArgumentException("class " + className + " not found on the class path", ex);
        }
        if (!TransactionRule.class.isAssignableFrom(type) && !OrderRule.class.isAssignableFrom(type))
        {
            throw new IllegalArgumentException("class " + className + " implements neither " +
                TransactionRule.class.getName() + " nor " + OrderRule.class.getName());
        }
        try
        {
            return type.getConstructor(CustomRuleContext.class);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new IllegalArgumentException("class " + className + " has no public constructor taking a " +
                CustomRuleContext.class.getName(), ex);
        }
    }
}
