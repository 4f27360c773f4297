package dev.loupe.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which arguments open the desktop app and which run the command line. */
class MainTest {
    @Test
    void noArgumentsOrOnlyDesktopOptionsOpenTheApp() {
        assertTrue(Main.isDesktopLaunch(new String[0]));
        assertTrue(Main.isDesktopLaunch(new String[] {"--model=/m", "--session=/s.loupe", "--device=cpu"}));
    }

    @Test
    void anyCommandRunsTheCommandLine() {
        assertFalse(Main.isDesktopLaunch(new String[] {"info"}));
        assertFalse(Main.isDesktopLaunch(new String[] {"--model=/m", "info"}));
        assertFalse(Main.isDesktopLaunch(new String[] {"--model", "/m"}));
        assertFalse(Main.isDesktopLaunch(new String[] {"help"}));
    }
}
