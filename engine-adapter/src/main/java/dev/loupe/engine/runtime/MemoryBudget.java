package dev.loupe.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** How much memory the machine can still give, for refusing work that would not fit before it starts. */
public final class MemoryBudget {
    private MemoryBudget() {
    }

    /** MemAvailable from /proc/meminfo in bytes (free plus reclaimable cache); empty where it cannot be read. */
    public static OptionalLong availableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024L);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
