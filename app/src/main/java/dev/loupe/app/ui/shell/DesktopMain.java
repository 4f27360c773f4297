package dev.loupe.app.ui.shell;

/**
 * Starts the desktop app directly (development, screenshots). A main class must not extend Application when
 * JavaFX is on the class path rather than the module path: the JDK's launcher then refuses with "JavaFX runtime
 * components are missing". ./loupe goes through dev.loupe.app.Main, which calls {@link LoupeApp#launchApp}.
 */
public final class DesktopMain {
    private DesktopMain() {
    }

    public static void main(String[] args) {
        LoupeApp.launchApp(args);
    }
}
