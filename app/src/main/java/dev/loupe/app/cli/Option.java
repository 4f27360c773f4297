package dev.loupe.app.cli;

/**
 * One option a command accepts. {@code valueName} null means a flag; {@code repeatable} options may be given more
 * than once and collect every value.
 */
public record Option(String name, String valueName, boolean repeatable, String help) {

    public static Option flag(String name, String help) {
        return new Option(name, null, false, help);
    }

    public static Option value(String name, String valueName, String help) {
        return new Option(name, valueName, false, help);
    }

    public static Option repeated(String name, String valueName, String help) {
        return new Option(name, valueName, true, help);
    }

    public boolean takesValue() {
        return valueName != null;
    }

    /** How the option reads in help text: {@code --model DIR}. */
    public String display() {
        return takesValue() ? "--" + name + " " + valueName : "--" + name;
    }
}
